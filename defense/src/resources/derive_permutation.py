"""Independent transcription of keyshield.defense.SecretKey derivation v1 (SHA-256 -> XoRoShiRo128++ -> Fisher-Yates).
Prints the pinned vectors of SecretKeyTest. Usage: python3 derive_permutation.py"""
import hashlib, struct
M64=(1<<64)-1
def rotl(x,k): return ((x<<k)|(x>>(64-k)))&M64
class X:
    def __init__(s,a,b): s.s0,s.s1=a,b
    def next(s):
        s0,s1=s.s0,s.s1
        r=(rotl((s0+s1)&M64,17)+s0)&M64
        s1^=s0
        s.s0=rotl(s0,49)^s1^((s1<<21)&M64)
        s.s1=rotl(s1,28)
        return r
def gen(material,label,m,c):
    d=hashlib.sha256(material+label.encode()+struct.pack('>ii',m,c)).digest()
    a,b=struct.unpack('>QQ',d[:16]); return X(a,b)
def bounded(g,n):
    m=(g.next()>>32)*n
    if (m&0xffffffff)<n:
        t=((1<<32)-n)%n
        while (m&0xffffffff)<t: m=(g.next()>>32)*n
    return m>>32
def perm(material,m,c):
    g=gen(material,"keyshield-permutation-v1",m,c); k=c*m*m; p=list(range(k))
    for i in range(k-1,0,-1):
        j=bounded(g,i+1); p[i],p[j]=p[j],p[i]
    return p
def fp(material,m,c):
    return hashlib.sha256(b"keyshield-fingerprint-v1"+material+struct.pack('>ii',m,c)).hexdigest()[:16]

seed42=struct.pack('>q',42)
print(perm(bytes(range(32)),2,3))
print(perm(seed42,2,3)); print(fp(seed42,2,3))
print(perm(bytes(range(32)),4,3))
