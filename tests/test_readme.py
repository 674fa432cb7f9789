"""The README's measured numbers are generated from data/results/: a README that disagrees with them fails."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

from r1repro.report import load_results, readme_blocks, stale_blocks

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, '-c', 'from r1repro.cli import main; raise SystemExit(main())']


def test_readme_matches_results():
    assert stale_blocks(ROOT / 'README.md') == [], 'README result blocks are stale: run `r1repro report`'


def test_check_command_fails_on_a_stale_readme(tmp_path):
    readme = tmp_path / 'README.md'
    shutil.copy(ROOT / 'README.md', readme)
    ok = subprocess.run(CLI + ['report', '--check', '--readme', str(readme)],
                        capture_output=True, text=True, cwd=tmp_path)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    r1 = load_results('r1')
    table_line = next(l for l in readme_blocks()['zero'].splitlines() if l.startswith('| R1-Zero · arithmetic |'))
    readme.write_text(readme.read_text().replace(table_line, table_line.replace('|', '| 0.0 |', 2), 1))  # a hand edit
    stale = subprocess.run(CLI + ['report', '--check', '--readme', str(readme)],
                           capture_output=True, text=True, cwd=tmp_path)
    assert stale.returncode == 1 and 'zero' in stale.stdout, stale.stdout + stale.stderr
    changed = json.loads(json.dumps(r1)); changed['by_task']['arithmetic']['R1-Zero']['pass@1']['value'] += 0.05  # a new run
    assert 'zero' in stale_blocks(ROOT / 'README.md', readme_blocks(changed, load_results('distill')))
