"The `r1repro` command, as a user runs it."
import json, subprocess, sys
from pathlib import Path


EXE = Path(sys.executable).parent / 'r1repro'  # the console script that `pip install` created


def run(*args, **kw):
    return subprocess.run([str(EXE), *args], capture_output=True, text=True, timeout=600, **kw)


def test_make_eval_sets_reproduces_the_shipped_files(tmp_path):
    from r1repro.tasks import eval_path, TASKS
    out = run('make-eval-sets', '--out', str(tmp_path))
    assert out.returncode == 0, out.stderr
    for task in TASKS:
        assert (tmp_path / f'eval_{task}.jsonl').read_text() == eval_path(task).read_text()


def test_evaluate_runs_and_prints_a_table(tmp_path):
    out = run('evaluate', '--model', 'micro', '--n', '3', '--k', '2', '--max-new-tokens', '8', '--out', str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert 'pass@1' in out.stdout and (tmp_path / 'arithmetic.jsonl').exists()


def test_bad_input_is_one_clear_line():
    out = run('evaluate', '--model', 'Qwen/Qwen2.5-0.5B')
    assert out.returncode == 2 and 'nothing is downloaded here' in out.stderr and 'Traceback' not in out.stderr
    out = run('evaluate', '--model', 'micro', '--k', '0')
    assert out.returncode == 2 and 'k must be >= 1' in out.stderr


def test_zero_runs_and_resumes(tmp_path):
    run_dir = tmp_path / 'zero'
    out = run('zero', '--steps', '2', '--eval-n', '4', '--prompts-per-step', '4', '--group-size', '4',
              '--max-new-tokens', '64', '--run-dir', str(run_dir))  # small steps: the plumbing, not the recipe
    assert out.returncode == 0, out.stderr
    for task in ('arithmetic', 'countdown'):  # the recipe trains and evaluates both, each reported apart
        assert f'| base · {task} |' in out.stdout and f'| R1-Zero · {task} |' in out.stdout
    for name in ('metrics.jsonl', 'eval_before.jsonl', 'eval_after.jsonl', 'results.md', 'plots/training.png',
                 'plots/before_after.png', 'checkpoint/model.safetensors', 'checkpoint/trainer_state.pt'):
        assert (run_dir / name).exists(), name
    cfg = json.loads((run_dir / 'recipe.json').read_text())
    cfg['steps'] = 3
    (run_dir / 'recipe.json').write_text(json.dumps(cfg))
    out = run('zero', '--resume', str(run_dir))
    assert out.returncode == 0, out.stderr
    assert [json.loads(l)['step'] for l in (run_dir / 'metrics.jsonl').read_text().splitlines()] == [0, 1, 2]


def test_zero_bad_config_is_refused_before_work(tmp_path):
    out = run('zero', '--lr', '-1', '--run-dir', str(tmp_path / 'z'))
    assert out.returncode == 2 and 'lr must be > 0' in out.stderr
    out = run('zero', '--resume', str(tmp_path / 'nothing'))
    assert out.returncode == 2 and 'not an R1-Zero run directory' in out.stderr


# -- a run directory you can trust: one test per defect of the fault review, each a clear one-line refusal -------------

def refused(out, *words):
    "Exit code 2, one clear line naming the problem, no traceback."
    assert out.returncode == 2, (out.returncode, out.stderr[-800:])
    assert 'Traceback' not in out.stderr, out.stderr[-800:]
    for w in words: assert w in out.stderr, (w, out.stderr[-800:])


def test_values_are_checked_before_any_work(tmp_path):
    (tmp_path / 'afile').write_text('x')
    refused(run('pretrain', '--preset', 'micro', '--steps', '0', '--out', str(tmp_path / 'p')), '--steps must be >= 1')
    refused(run('pretrain', '--preset', 'micro', '--steps', '5', '--out', str(tmp_path / 'afile' / 'p')), 'cannot write the run directory')
    refused(run('evaluate', '--model', 'micro', '--n', '0'), 'n must be >= 1')
    refused(run('evaluate', '--model', 'micro', '--temperature', 'nan'), 'temperature must be > 0')
    refused(run('evaluate', '--model', 'micro', '--out', str(tmp_path / 'afile')), 'is a file, not a run directory')
    refused(run('zero', '--eval-n', '0', '--run-dir', str(tmp_path / 'z')), 'n must be >= 1')
    refused(run('zero', '--beta', 'nan', '--run-dir', str(tmp_path / 'z')), 'beta must be >= 0')
    refused(run('zero', '--max-new-tokens', '100000', '--run-dir', str(tmp_path / 'z')), "exceed the model's context")
    refused(run('zero', '--group-size', '10000000', '--run-dir', str(tmp_path / 'z')), "for the sampler's cache alone")
    assert not (tmp_path / 'z' / 'eval_before.jsonl').exists()  # refused before the base model was evaluated


def test_one_run_one_directory(tmp_path):
    good = {'prompt': 'User: What is 2+2?\nAssistant:', 'completion': ' <think> 2+2=4 </think> <answer>4</answer>'}
    data, other = tmp_path / 'set.jsonl', tmp_path / 'other.jsonl'
    data.write_text(json.dumps(good) + '\n')
    other.write_text(json.dumps({**good, 'prompt': 'User: What is 2+2 ?\nAssistant:'}) + '\n')
    out = tmp_path / 'run'
    assert run('sft', str(data), '--model', 'micro', '--out', str(out), '--epochs', '1').returncode == 0
    refused(run('sft', str(data), '--model', 'micro', '--out', str(out)), 'already holds a run', '--overwrite')
    refused(run('sft', str(data), '--model', 'micro', '--out', str(tmp_path / 'inf'), '--lr', 'inf'), 'lr must be > 0 and finite')
    refused(run('sft', str(data), '--out', str(out), '--resume', '--lr', '0.05'), 'lr 0.001 (asked: 0.05)')
    refused(run('sft', str(other), '--out', str(out), '--resume'), 'is not the data')
    assert json.loads((out / 'config.json').read_text())['config']['lr'] == 0.001  # nothing was recorded by the refusals
    assert run('sft', str(data), '--model', 'micro', '--out', str(out), '--epochs', '1', '--overwrite').returncode == 0
    from r1repro.runfiles import RunDir
    with RunDir(out).lock():  # another run holds the directory
        refused(run('sft', str(data), '--model', 'micro', '--out', str(out), '--overwrite'), 'is in use by process')


def test_resume_refuses_what_it_would_ignore(tmp_path):
    run_dir = tmp_path / 'zero'
    args = ('--steps', '1', '--eval-n', '2', '--prompts-per-step', '2', '--group-size', '2', '--max-new-tokens', '16')
    assert run('zero', *args, '--run-dir', str(run_dir)).returncode == 0
    refused(run('zero', '--resume', str(run_dir), '--steps', '1'), 'is already at step 1', 'would train nothing')
    refused(run('zero', '--resume', str(run_dir), '--steps', '2', '--lr', '1'), 'grpo.lr: 7e-05 -> 1.0')
    refused(run('sft', str(tmp_path / 'x.jsonl'), '--out', str(run_dir), '--resume'), "holds a 'grpo' run, not an SFT run")
    refused(run('zero', *args, '--run-dir', str(run_dir)), 'already holds a run')
