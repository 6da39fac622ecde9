# Reference for PosEmbedResample: PyTorch's bicubic F.interpolate (as timm's resample_abs_pos_embed calls it)
# on a random 4x4 grid with one class token, to several grid sizes, with and without antialias.
# Run with Debian's python3-torch (1.13): /usr/bin/python3 make_posembed_golden.py
import numpy as np
import torch
import torch.nn.functional as F

torch.manual_seed(0)
pe = torch.randn(1, 1 + 4 * 4, 3, dtype=torch.float32)


def resample(new, antialias):
    grid = pe[:, 1:].reshape(1, 4, 4, -1).permute(0, 3, 1, 2)
    grid = F.interpolate(grid, size=new, mode='bicubic', antialias=antialias, align_corners=False)
    return torch.cat([pe[:, :1], grid.permute(0, 2, 3, 1).reshape(1, -1, 3)], 1)


out = {'pe': pe.numpy()}
for new in [(7, 5), (2, 3), (4, 4), (8, 8)]:
    for aa in [True, False]:
        out[f"r_{new[0]}x{new[1]}_{'aa' if aa else 'classic'}"] = resample(new, aa).numpy()
np.savez('posembed_golden.npz', **out)
print(torch.__version__, sorted(out))
