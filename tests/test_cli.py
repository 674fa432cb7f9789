"The `r1repro` command, as a user runs it."
import subprocess, sys
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
