"A GRPO run killed with SIGKILL mid-training and resumed ends exactly where an uninterrupted run ends."
import json, os, signal, subprocess, sys, time


SCRIPT = r'''
import sys, torch
from r1repro.model import build_model
from r1repro.rewards import RewardSet
from r1repro.trainer import GRPOConfig, GRPOTrainer
run_dir, steps, resume = sys.argv[1], int(sys.argv[2]), sys.argv[3] == 'resume'
def digits(completions, **kw):  # a reward with signal even for a random model: the share of digits
    return [sum(c.isdigit() for c in t) / max(1, len(t)) for t in completions]
funcs = RewardSet({'digits': digits})
torch.manual_seed(0)
if resume: trainer = GRPOTrainer.resume(run_dir, rewards=funcs)
else:
    model, tok = build_model('micro', seed=0)
    cfg = GRPOConfig(prompts_per_step=2, group_size=4, max_new_tokens=24, lr=1e-3, warmup_steps=2, problems_per_task=50,
                     save_every=2, rewards={}, seed=3)
    trainer = GRPOTrainer(model, tok, cfg, run_dir=run_dir, rewards=funcs)
trainer.train(steps, progress=False)
torch.save({k: v for k, v in trainer.model.state_dict().items()}, run_dir + '/final_state.pt')
'''


def _run(*args, **kw):
    return subprocess.Popen([sys.executable, '-c', SCRIPT, *map(str, args)], **kw)


def test_sigkill_then_resume_matches_uninterrupted(tmp_path):
    import torch
    straight, killed = tmp_path / 'straight', tmp_path / 'killed'
    assert _run(straight, 8, 'new').wait(timeout=300) == 0

    p = _run(killed, 8, 'new')
    metrics = killed / 'metrics.jsonl'
    deadline = time.time() + 300
    while time.time() < deadline:  # kill it once it is past its first checkpoint but not done
        if metrics.exists() and len(metrics.read_text().splitlines()) >= 5: break
        time.sleep(0.05)
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    assert not (killed / 'final_state.pt').exists(), 'the run finished before it could be killed'
    assert (killed / 'checkpoint' / 'trainer_state.pt').exists()

    assert _run(killed, 8, 'resume').wait(timeout=300) == 0
    a = torch.load(straight / 'final_state.pt', weights_only=True)
    b = torch.load(killed / 'final_state.pt', weights_only=True)
    for k in a: torch.testing.assert_close(a[k], b[k], atol=1e-6, rtol=1e-5)
    assert any(m['grad_norm'] > 0 for m in map(json.loads, (straight / 'metrics.jsonl').read_text().splitlines()))
    ma = [json.loads(l) for l in (straight / 'metrics.jsonl').read_text().splitlines()]
    mb = [json.loads(l) for l in (killed / 'metrics.jsonl').read_text().splitlines()]
    assert [m['step'] for m in mb] == list(range(8))
    for x, y in zip(ma, mb):
        for key in ('reward_total', 'reward_digits', 'length', 'loss', 'grad_norm'):
            assert abs(x[key] - y[key]) < 1e-5, (key, x[key], y[key])
