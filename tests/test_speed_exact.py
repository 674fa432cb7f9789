"""Speed must not change results: a fixed-seed GRPO run gives the same metrics, to floating-point tolerance, with and
without each optimisation of the speed work, one switched off at a time:

- `length_buckets`: the update runs completions of similar length together instead of padding all to the longest;
- `static_cache`: the sampler decodes with `StaticDecoder` (buffers written in place) instead of the model's forward
  pass with its `DynamicCache`.

The runs start from `tiny-base` (completions of very different lengths, rows finishing at many different steps) and
take a real learning rate, so the runs move and any divergence would grow over the steps."""
import json, subprocess, sys

import pytest

SCRIPT = r'''
import json, sys
import torch
torch.set_num_threads(1)
from r1repro.model import load_model
from r1repro.rollouts import KVCacheEngine
from r1repro.trainer import GRPOConfig, GRPOTrainer
length_buckets, static_cache = json.loads(sys.argv[1])
model, tok = load_model('tiny-base')
cfg = GRPOConfig(prompts_per_step=8, group_size=8, max_new_tokens=160, lr=1e-4, warmup_steps=1, problems_per_task=200,
                 seed=11, length_buckets=length_buckets)
trainer = GRPOTrainer(model, tok, cfg, engine=KVCacheEngine(static_cache=static_cache))
history = trainer.train(4, progress=False)
print(json.dumps(history))
'''
SPEED_ONLY = ('seconds_', 'update_padding', 'update_passes')  # what the optimisations are meant to change


def run(length_buckets: bool, static_cache: bool) -> list[dict]:
    res = subprocess.run([sys.executable, '-c', SCRIPT, json.dumps([length_buckets, static_cache])],
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr[-3000:]
    log = json.loads(res.stdout.strip().splitlines()[-1])
    return [{k: v for k, v in m.items() if not k.startswith(SPEED_ONLY)} for m in log]


def close(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, (int, float)): return abs(a - b) <= 1e-6 + 1e-4 * abs(a)
    return a == b


@pytest.fixture(scope='module')
def fast():
    return run(True, True)


@pytest.mark.parametrize('switched_off', ['length_buckets', 'static_cache'])
def test_each_optimisation_keeps_the_metrics(fast, switched_off):
    slow = run(switched_off != 'length_buckets', switched_off != 'static_cache')
    assert len(slow) == len(fast) == 4
    assert any(m['grad_norm'] for m in fast), 'the runs must move for the comparison to mean anything'
    for step, (a, b) in enumerate(zip(fast, slow)):
        assert a.keys() == b.keys()
        differ = {k: (a[k], b[k]) for k in a if not close(a[k], b[k])}
        assert not differ, f'step {step} with {switched_off} off: {differ}'
