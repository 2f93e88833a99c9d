# Writes summary.json and summary.txt from what run.sh left in --out: facts.txt, ours-<config>.json (bench iteration
# --json), reference.json (torch_reference.py's last line) and, on a GPU, smi-<run>.csv / .idle (nvidia-smi
# memory.used, MiB, sampled every 0.2 s during the run / once before it). Standard library only.
import argparse, json, os

ap = argparse.ArgumentParser()
ap.add_argument('--out', required=True)
ap.add_argument('--facts', required=True)
ap.add_argument('--configs', required=True)
ap.add_argument('--smi', action='store_true', help='nvidia-smi samples were taken')
a = ap.parse_args()


def load(name):
    try:
        with open(os.path.join(a.out, name)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def smi_peak(label):
    """Most MiB in use on the GPU during the run, less the reading just before it; None without samples."""
    if not a.smi:
        return None
    try:
        with open(os.path.join(a.out, 'smi-%s.idle' % label)) as f:
            idle = float(f.read().split()[0])
        with open(os.path.join(a.out, 'smi-%s.csv' % label)) as f:
            vals = [float(x) for x in f.read().split() if x.replace('.', '', 1).isdigit()]
    except (OSError, ValueError, IndexError):
        return None
    return round(max(vals) - idle, 0) if vals else None


facts = {}
with open(a.facts) as f:
    for line in f:
        if '=' in line:
            k, v = line.rstrip('\n').split('=', 1)
            facts[k] = v

ours = []
for c in [c for c in a.configs.split(',') if c]:
    j = load('ours-%s.json' % c)
    if not j or not j.get('ours'):
        continue
    r = j['ours'][0]
    ours.append({'config': r['config'], 'backbone': r['backbone'], 'image_size': r['image_size'],
                 'device': j.get('device'), 'parameters': r['parameters'],
                 'seg_step_ms': r['seg_step_ms'], 'cls_step_ms': r['cls_step_ms'],
                 'iteration_ms': r['iteration_ms'], 'inference_ms': r['inference_ms'],
                 'peak_rss_mib': r['peak_rss_mib'],
                 'peak_gpu_used_mib': r.get('peak_gpu_used_mib', -1),
                 'peak_gpu_smi_mib': smi_peak('ours-' + c)})

ref = None
rj = load('reference.json')
if rj and 'timings' in rj:
    t = rj['timings']
    ref = {'torch': rj.get('torch'), 'torchvision': rj.get('torchvision'), 'device': rj.get('device'),
           'parameters': rj.get('params_total'), 'seg_step_ms': t['seg_step_ms'], 'cls_step_ms': t['cls_step_ms'],
           'iteration_ms': round(t['seg_step_ms'] + t['cls_step_ms'], 2), 'inference_ms': t['inference_ms'],
           'peak_gpu_allocated_mib': round(t['peak_mem_gib'] * 1024) if 'peak_mem_gib' in t else None,
           'peak_gpu_smi_mib': smi_peak('reference')}

ratios = None
big = next((r for r in ours if r['config'] == 'resnext50'), None)
if big and ref:
    def q(x, y):
        return round(x / y, 2) if x is not None and y not in (None, 0) else None
    ratios = {'seg_step': q(big['seg_step_ms'], ref['seg_step_ms']),
              'cls_step': q(big['cls_step_ms'], ref['cls_step_ms']),
              'iteration': q(big['iteration_ms'], ref['iteration_ms']),
              'inference': q(big['inference_ms'], ref['inference_ms']),
              'gpu_memory_nvidia_smi': q(big['peak_gpu_smi_mib'], ref['peak_gpu_smi_mib'])}

summary = {'facts': facts, 'ours': ours, 'reference': ref, 'ratios_ours_over_reference_resnext50_512': ratios}
with open(os.path.join(a.out, 'summary.json'), 'w') as f:
    json.dump(summary, f, indent=2)


def n(x, fmt='%.0f'):
    return '-' if x is None or (isinstance(x, (int, float)) and x < 0) else fmt % x


lines = ['gpu-check summary (%s)' % facts.get('mode', '?')]
for k in ('failed', 'java', 'torch', 'torchvision', 'gpu', 'libtorch', 'jni', 'jni_packed', 'jni_configure',
          'jni_build', 'reference'):
    if k in facts:
        lines.append('  %-13s %s' % (k + ':', facts[k]))
lines.append('')
lines.append('%-10s %-17s %5s %8s %8s %10s %10s %10s %10s %10s' % (
    'run', 'backbone', 'size', 'seg ms', 'cls ms', 'iter ms', 'infer ms', 'smi MiB', 'used MiB', 'alloc MiB'))
for r in ours:
    lines.append('%-10s %-17s %5d %8s %8s %10s %10s %10s %10s %10s' % (
        r['config'], r['backbone'], r['image_size'], n(r['seg_step_ms']), n(r['cls_step_ms']),
        n(r['iteration_ms']), n(r['inference_ms']), n(r['peak_gpu_smi_mib']), n(r['peak_gpu_used_mib']), '-'))
if ref:
    lines.append('%-10s %-17s %5d %8s %8s %10s %10s %10s %10s %10s' % (
        'reference', 'torch ' + str(ref['torch']), 512, n(ref['seg_step_ms']), n(ref['cls_step_ms']),
        n(ref['iteration_ms']), n(ref['inference_ms']), n(ref['peak_gpu_smi_mib']), '-',
        n(ref['peak_gpu_allocated_mib'])))
lines.append('')
if ratios:
    lines.append('ours / reference, ResNeXt50 512: iteration %s, inference %s (segmentation step %s, classification '
                 'step %s), GPU memory by nvidia-smi %s' % tuple(n(ratios[k], '%.2f') for k in (
                     'iteration', 'inference', 'seg_step', 'cls_step', 'gpu_memory_nvidia_smi')))
else:
    lines.append('no ratio: it needs ours at resnext50 and the reference, both run')
lines.append('smi MiB: most in use on the GPU during that run less the idle reading before it (nvidia-smi, 0.2 s);'
             ' used MiB: ours by cudaMemGetInfo after each phase (whole device); alloc MiB: the reference\'s'
             ' torch.cuda.max_memory_allocated (tensors only). "-": not measured (cpu).')
text = '\n'.join(lines) + '\n'
with open(os.path.join(a.out, 'summary.txt'), 'w') as f:
    f.write(text)
print(text, end='')
