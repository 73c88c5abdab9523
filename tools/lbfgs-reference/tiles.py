"""Draws the first 100 filters (W columns) of runs' saved sparse-ae models as 10x10 tiles, each scaled to its own range,
as filters.png does, from a run directory's stage-1-sparse-ae/params.bin (readable while the run goes on):
  tools/lbfgs-reference/tiles.py RUN_ROOT BETA...   (reads RUN_ROOT/beta-BETA, writes RUN_ROOT/filters-beta-BETA.png)
Needs numpy only."""
import json, sys, zlib, struct, numpy as np
def png(path, img):
    h, w = img.shape
    raw = b''.join(b'\x00' + img[y].tobytes() for y in range(h))
    def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
    open(path, 'wb').write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 0, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b''))
root = sys.argv[1]
for b in sys.argv[2:]:
    d = f'{root}/beta-{b}/stage-1-sparse-ae/'
    m = json.load(open(d + 'model.json'))
    p = m['parameters'][0]
    w = np.fromfile(d + 'params.bin', '<f4', count=p['count'], offset=p['offset']).reshape(784, 196)
    img = np.full((10 * 29 + 1, 10 * 29 + 1), 0, np.uint8)
    for j in range(100):
        f = w[:, j].reshape(28, 28)
        f = (f - f.min()) / (f.max() - f.min() + 1e-12) * 255
        r, c = divmod(j, 10)
        img[1 + r * 29:1 + r * 29 + 28, 1 + c * 29:1 + c * 29 + 28] = f.astype(np.uint8)
    h = json.load(open(f'{root}/beta-{b}/history.json'))['stages'][0]['epochs']
    print(b, 'iteration', len(h))
    png(f'{root}/filters-beta-{b}.png', img)
