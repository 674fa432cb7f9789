"The built wheel works on its own, from any directory, with its data files."
import subprocess, sys, zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_installs_and_works_outside_the_checkout(tmp_path):
    wheels = tmp_path / 'wheels'
    subprocess.run([sys.executable, '-m', 'pip', 'wheel', '--no-deps', '-q', '-w', str(wheels), str(ROOT)],
                   check=True)
    wheel = next(wheels.glob('r1repro-*.whl'))
    names = zipfile.ZipFile(wheel).namelist()
    for expected in ['r1repro/tasks.py', 'r1repro/data/eval_arithmetic.jsonl', 'r1repro/data/eval_facts.jsonl']:
        assert expected in names, f'{expected} missing from {wheel.name}'
    site = tmp_path / 'site'
    subprocess.run([sys.executable, '-m', 'pip', 'install', '--no-deps', '-q', '--target', str(site), str(wheel)], check=True)
    code = ('import r1repro, r1repro.tasks, r1repro.rewards, r1repro.evaluate, r1repro.model, r1repro.rollouts\n'
            'from pathlib import Path\n'
            f'assert Path(r1repro.__file__).resolve().is_relative_to(Path({str(site)!r}).resolve()), r1repro.__file__\n'
            'sets = {t: len(r1repro.tasks.load_eval_set(t)) for t in r1repro.tasks.TASKS}\n'
            'assert all(n >= 256 for n in sets.values()), sets\n'
            'print(sets)\n')
    elsewhere = tmp_path / 'elsewhere'
    elsewhere.mkdir()
    out = subprocess.run([sys.executable, '-c', code], cwd=elsewhere, env={'PYTHONPATH': str(site), 'PATH': '/usr/bin:/bin'},
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
