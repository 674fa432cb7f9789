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
    out = run('zero', '--steps', '2', '--eval-n', '4', '--run-dir', str(run_dir))
    assert out.returncode == 0, out.stderr
    assert '| base |' in out.stdout and '| R1-Zero |' in out.stdout
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
