"""A crash at any point of a checkpoint save leaves a run that resumes to exactly the uninterrupted result.

Two tests, for GRPO and SFT alike:
- fault injection: a child process is stopped with `os._exit` (no clean-up runs, as after `kill -9`) at each named
  step of a save (`r1repro.model.SAVE_STEPS`), then the run is resumed in a fresh process and trained to the end;
- a kill -9 loop: 32 kills at random moments (every third run widens the save window so kills land inside saves),
  each followed by a resume; the final weights and metrics must be bit-identical to an uninterrupted run's.
"""
import json, os, random, signal, subprocess, sys, time
from pathlib import Path

import pytest

CHILD = r'''
import os, sys, time, random
import torch
torch.set_num_threads(1)
import r1repro.model
from r1repro.model import build_model
from r1repro.rewards import RewardSet
from r1repro.trainer import GRPOConfig, GRPOTrainer
from r1repro.sft import SFTConfig, SFTTrainer
kind, run_dir, mode = sys.argv[1], sys.argv[2], sys.argv[3]
fault_step, fault_save, slow_saves = sys.argv[4], int(sys.argv[5]), sys.argv[6] == 'slow'
saves = {'n': 0}
def reached(step):
    if step == 'weights written': saves['n'] += 1
    if slow_saves: time.sleep(0.05)  # a wide save window for the random kills to land in
    if step == fault_step and saves['n'] == fault_save: os._exit(137)  # dies here, no clean-up, as under kill -9
r1repro.model._reached = reached
def digits(completions, **kw): return [sum(c.isdigit() for c in t) / max(1, len(t)) for t in completions]
EXAMPLES = [{'prompt': f'User: What is {a}+{b}?\nAssistant:', 'completion': f' <think> {a}+{b}={a + b} </think> <answer>{a + b}</answer>'}
            for a, b in [(3, 4), (12, 7), (25, 30), (8, 9), (41, 2), (6, 6), (19, 23), (5, 50)]]
torch.manual_seed(0)
if kind == 'grpo':
    rewards = RewardSet({'digits': digits})
    if mode == 'resume': t = GRPOTrainer.resume(run_dir, rewards=rewards)
    else:
        cfg = GRPOConfig(prompts_per_step=2, group_size=4, max_new_tokens=16, lr=1e-3, warmup_steps=1, problems_per_task=40,
                         save_every=1, sample_every=1, rewards={}, seed=3)
        t = GRPOTrainer(*build_model('micro', seed=0), cfg, run_dir=run_dir, rewards=rewards, overwrite=mode == 'overwrite')
    t.train(6, progress=False)
else:
    if mode == 'resume': t = SFTTrainer.resume(run_dir, examples=EXAMPLES)
    else: t = SFTTrainer(*build_model('micro', seed=0), EXAMPLES, SFTConfig(epochs=3, batch_size=4, lr=3e-3, save_every=1), run_dir,
                         overwrite=mode == 'overwrite')
    t.train(progress=False)
torch.save(t.model.state_dict(), run_dir + '/final_state.pt')
'''
ENV = {**os.environ, 'OMP_NUM_THREADS': '1', 'PYTHONWARNINGS': 'ignore'}


def child(kind, run_dir, mode='new', fault_step='-', fault_save=0, slow=False):
    return subprocess.Popen([sys.executable, '-c', CHILD, kind, str(run_dir), mode, fault_step, str(fault_save),
                             'slow' if slow else 'fast'], env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finish(p, timeout=300):
    out, err = p.communicate(timeout=timeout)
    return p.returncode, err.decode()[-2000:]


def outcome(run_dir):
    "Final weights and the metrics log (without wall-clock fields)."
    import torch
    state = torch.load(Path(run_dir) / 'final_state.pt', weights_only=True)
    log = [{k: v for k, v in json.loads(l).items() if not k.startswith('seconds')}
           for l in (Path(run_dir) / 'metrics.jsonl').read_text().splitlines()]
    return state, log


def same(a, b) -> bool:
    import torch
    return a[1] == b[1] and a[0].keys() == b[0].keys() and all(torch.equal(a[0][k], b[0][k]) for k in a[0])


def resume_until_done(kind, run_dir, tries=5):
    for _ in range(tries):
        code, err = finish(child(kind, run_dir, 'resume'))
        if code == 0: return
        assert 'has no checkpoint to resume from' in err, err  # killed before the first save: start it again
        finish(child(kind, run_dir, 'overwrite'))
        if (Path(run_dir) / 'final_state.pt').exists(): return
    raise AssertionError(f'{run_dir} did not finish')


@pytest.fixture(scope='module')
def reference(tmp_path_factory):
    out = {}
    for kind in ('grpo', 'sft'):
        d = tmp_path_factory.mktemp(f'{kind}-straight')
        code, err = finish(child(kind, d))
        assert code == 0, err
        out[kind] = outcome(d)
        assert len(out[kind][1]) == 6
    return out


@pytest.mark.parametrize('kind', ['grpo', 'sft'])
def test_a_crash_at_every_step_of_a_save_resumes_exactly(kind, reference, tmp_path):
    from r1repro.model import SAVE_STEPS
    for step in SAVE_STEPS:
        d = tmp_path / step.replace(' ', '-')
        code, _ = finish(child(kind, d, fault_step=step, fault_save=3))  # dies inside its third save
        assert code == 137, f'{step}: the fault was not reached'
        assert not (d / 'final_state.pt').exists()
        code, err = finish(child(kind, d, 'resume'))
        assert code == 0, f'{step}: resume failed: {err}'
        assert same(outcome(d), reference[kind]), f'{kind}: a crash at "{step}" changed the result'
        assert not [p.name for p in d.iterdir() if p.name.startswith('.checkpoint.')], f'{step}: leftovers'


def test_kill_9_loop_resumes_bit_identically(reference, tmp_path):
    rng = random.Random(0)
    kills = 0
    for i in range(16):
        kind = ('grpo', 'sft')[i % 2]
        d = tmp_path / f'{kind}-{i}'
        slow = i % 3 == 0
        p = child(kind, d, slow=slow)
        for _ in range(2):  # two kills per run: during the first part, then during the resumed part
            time.sleep(rng.uniform(1.5, 4.0))  # the child needs ~1.5 s to start; a run takes a few seconds more
            if p.poll() is None:
                os.kill(p.pid, signal.SIGKILL); p.wait(); kills += 1
                p = child(kind, d, 'resume' if (d / 'checkpoint').exists() or (d / '.checkpoint.old').exists() else 'overwrite',
                          slow=slow)
        code, err = finish(p)
        if code != 0: resume_until_done(kind, d)
        assert same(outcome(d), reference[kind]), f'run {i} ({kind}) differs after {kills} kills so far'
    assert kills >= 30, f'only {kills} kills landed; the runs finished too fast'
