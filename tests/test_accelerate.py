"""GRPO under `accelerate launch` with two CPU processes equals GRPO on one process over the same global batch.

(With accelerate 1.x, `accelerate launch --cpu --num_processes 2` starts ONE process unless MPI is set up; two CPU
processes come from `--multi_gpu --num_processes 2` on a machine without GPUs: torchrun with the gloo backend.)

One launch of two processes trains the `micro` model 2 steps, resumes from the checkpoint and trains 2 more; one plain
process trains 4 steps straight. Both processes must end with identical parameters, close to the single process's;
the per-step loss, gradient norm and reward must match; only process 0 may write the run directory; and a batch that
cannot be split into whole groups must be refused at start.
"""
import json, os, shutil, subprocess, sys, time
from pathlib import Path

import pytest

SCRIPT = r'''
import json, os, sys, time
from pathlib import Path
run_dir, out, mode = Path(sys.argv[1]).resolve(), Path(sys.argv[2]), sys.argv[3]
rank = int(os.environ.get('RANK', 0))
events = []
def audit(event, args):  # every write-like file operation this process makes inside the run directory
    if event in ('open', 'os.mkdir', 'os.rename', 'os.remove', 'os.chmod', 'shutil.rmtree') and args and args[0] is not None:
        writes = event != 'open' or any(c in str(args[1] or 'r') for c in 'wax+')
        if writes and str(run_dir) in os.path.abspath(str(args[0])): events.append(f'{event} {args[0]}')
sys.addaudithook(audit)

import torch
torch.set_num_threads(1)
from r1repro.model import build_model
from r1repro.rewards import RewardSet
from r1repro.trainer import GRPOConfig, GRPOTrainer

def digits(completions, **kw):  # a reward with signal even for a random model: the share of digits
    return [sum(c.isdigit() for c in t) / max(1, len(t)) for t in completions]
funcs = RewardSet({'digits': digits})
cfg = dict(prompts_per_step=4, group_size=4, max_new_tokens=24, lr=1e-3, warmup_steps=2, problems_per_task=50,
           save_every=2, rewards={}, seed=3, loss_type='dapo', mu=2, mixed_precision='bf16' if mode == 'bf16' else 'no')
model, tok = build_model('micro', seed=0)
errors = []
for bad in (3, 1):  # cannot be split into whole groups / fewer prompts than processes
    try: GRPOTrainer(model, tok, GRPOConfig(**{**cfg, 'prompts_per_step': bad}), rewards=funcs)
    except ValueError as e: errors.append(str(e))
t0 = time.perf_counter()
trainer = GRPOTrainer(model, tok, GRPOConfig(**cfg), run_dir=run_dir, rewards=funcs)
if mode == 'resume':
    trainer.train(2, progress=False)
    trainer = GRPOTrainer.resume(run_dir, rewards=funcs)
trainer.train(2 if mode == 'bf16' else 4, progress=False)
seconds = time.perf_counter() - t0
out.mkdir(parents=True, exist_ok=True)
torch.save(trainer.model.state_dict(), out / f'params{rank}.pt')
result = {'events': events, 'errors': errors, 'seconds': seconds, 'world': trainer.accelerator.num_processes,
          'history': trainer.history, 'dtypes': sorted({str(p.dtype) for p in trainer.model.parameters()})}
if mode != 'bf16':  # the lead's SFT and distillation entry points, on the same processes
    from r1repro.sft import SFTConfig, sft
    from r1repro.distill import KDTrainer
    from r1repro.tasks import format_prompt, train_problems
    examples = [{'prompt': format_prompt(p), 'completion': f' <think> {p.answer} </think> <answer>{p.answer}</answer>'}
                for p in train_problems('arithmetic', 6, seed=2)]  # 6 examples, batches of 4: a short last batch
    scfg = SFTConfig(epochs=2, batch_size=4, lr=1e-3, warmup_steps=1, save_every=2)
    student, tok = build_model('micro', seed=0)
    s = sft(student, tok, examples, scfg, run_dir / 'sft', progress=False)
    kd = KDTrainer(build_model('micro', seed=0)[0], tok, examples, build_model('micro', seed=1)[0], scfg, run_dir / 'kd')
    kd.train(progress=False)
    for name, t in (('sft', s), ('kd', kd)):
        torch.save(t.unwrapped.state_dict(), out / f'{name}_params{rank}.pt')
        result[f'{name}_history'] = t.history
    result['events'] = events
(out / f'rank{rank}.json').write_text(json.dumps(result))
'''


def _run(cmd, tmp_path, timeout=240):
    env = {**os.environ, 'OMP_NUM_THREADS': '1', 'TOKENIZERS_PARALLELISM': 'false'}
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, cwd=tmp_path)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    return time.perf_counter() - t0


def _read(out, rank=0):
    return json.loads((out / f'rank{rank}.json').read_text())


@pytest.fixture(scope='module')
def runs(tmp_path_factory):
    if shutil.which('accelerate') is None and not Path(sys.executable).with_name('accelerate').exists():
        pytest.skip('accelerate is not installed')
    tmp = tmp_path_factory.mktemp('accel')
    script = tmp / 'grpo_script.py'
    script.write_text(SCRIPT)
    one = _run([sys.executable, script, tmp / 'run1', tmp / 'out1', 'straight'], tmp)
    launcher = str(Path(sys.executable).with_name('accelerate'))
    two = _run([launcher, 'launch', '--multi_gpu', '--num_processes', '2', '--num_machines', '1', '--mixed_precision', 'no',
                '--dynamo_backend', 'no', '--main_process_port', '29517', script, tmp / 'run2', tmp / 'out2', 'resume'], tmp)
    print(f'\nwall time: 1 process (4 steps) {one:.1f} s, 2 processes (2 steps + resume + 2 steps) {two:.1f} s')
    return tmp


def test_two_processes_end_identical_and_match_one_process(runs):
    import torch
    p0 = torch.load(runs / 'out2' / 'params0.pt', weights_only=True)
    p1 = torch.load(runs / 'out2' / 'params1.pt', weights_only=True)
    single = torch.load(runs / 'out1' / 'params0.pt', weights_only=True)
    assert _read(runs / 'out2', 0)['world'] == 2 and _read(runs / 'out1')['world'] == 1
    for k in p0: assert torch.equal(p0[k], p1[k]), f'processes disagree on {k}'
    for k in p0: torch.testing.assert_close(p0[k], single[k], atol=1e-5, rtol=1e-4)
    assert any(not torch.equal(p0[k], torch.load(runs / 'out2' / 'params0.pt', weights_only=True)[k] * 0) for k in p0)


def test_loss_and_metrics_match_one_process(runs):
    h1, h2 = _read(runs / 'out1')['history'], _read(runs / 'out2', 0)['history']
    assert [m['step'] for m in h2] == [0, 1, 2, 3]
    assert any(abs(m['loss']) > 1e-4 for m in h1), 'a loss of ~0 everywhere would prove nothing'
    for a, b in zip(h1, h2):
        for key in ('loss', 'grad_norm', 'reward_digits', 'length', 'entropy', 'completion_tokens'):
            assert abs(a[key] - b[key]) <= 1e-5 * max(1, abs(a[key])), (a['step'], key, a[key], b[key])
    def numbers(h): return [{k: v for k, v in m.items() if not k.startswith('seconds_')} for m in h]  # timings differ
    assert numbers(_read(runs / 'out2', 1)['history']) == numbers(h2)  # every process logs the same global numbers


def test_only_the_main_process_writes_the_run_directory(runs):
    assert _read(runs / 'out2', 0)['events'], 'process 0 should have written the run directory'
    assert _read(runs / 'out2', 1)['events'] == []
    run = runs / 'run2'
    assert [json.loads(l)['step'] for l in (run / 'metrics.jsonl').read_text().splitlines()] == [0, 1, 2, 3]
    samples = [json.loads(l) for l in (run / 'samples.jsonl').read_text().splitlines()]
    assert len(samples) == 4 * 4 and {s['step'] for s in samples} == {0}  # sample_every=5: step 0, all 16 completions once
    assert (run / 'checkpoint' / 'trainer_state.pt').exists() and (run / 'plots' / 'training.png').exists()


def test_batches_that_cannot_be_split_are_refused_at_start(runs):
    errors = _read(runs / 'out2', 1)['errors']
    assert 'prompts_per_step=3 cannot be split into whole groups across 2 processes' in errors[0]
    assert '2 processes but only 1 prompts per step' in errors[1]
    assert _read(runs / 'out1')['errors'] == []  # one process takes any batch


def test_bf16_autocast_keeps_float32_weights(tmp_path):
    script = tmp_path / 'grpo_script.py'
    script.write_text(SCRIPT)
    _run([sys.executable, script, tmp_path / 'run', tmp_path / 'out', 'bf16'], tmp_path)
    res = _read(tmp_path / 'out')
    assert res['dtypes'] == ['torch.float32']
    assert all(m['grad_norm'] > 0 and abs(m['loss']) < 10 for m in res['history'])


@pytest.mark.parametrize('name', ['sft', 'kd'])
def test_sft_and_distillation_on_two_processes_match_one(runs, name):
    import torch
    p0, p1 = (torch.load(runs / 'out2' / f'{name}_params{r}.pt', weights_only=True) for r in (0, 1))
    single = torch.load(runs / 'out1' / f'{name}_params0.pt', weights_only=True)
    for k in p0: assert torch.equal(p0[k], p1[k]), f'{name}: processes disagree on {k}'
    for k in p0: torch.testing.assert_close(p0[k], single[k], atol=1e-5, rtol=1e-4)
    h1, h2 = _read(runs / 'out1')[f'{name}_history'], _read(runs / 'out2')[f'{name}_history']
    assert len(h1) == len(h2) == 4
    for a, b in zip(h1, h2):
        for key in ('loss', 'grad_norm', 'tokens'): assert abs(a[key] - b[key]) <= 1e-5 * max(1, abs(a[key])), (name, key, a, b)
    assert any(str(runs / 'run2' / name) in e for e in _read(runs / 'out2', 0)['events'])  # main wrote; rank 1 wrote nothing (above)
