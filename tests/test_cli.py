"""The scalinglaws command: export and its check, and one-line errors."""

import subprocess
import sys

from scalinglaws import cli


def test_export_check_passes_on_the_repository(capsys):
    assert cli.main(["export", "--check"]) == 0
    assert "in sync" in capsys.readouterr().out


def test_export_check_fails_on_drift(tmp_path, capsys):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "src" / "scalinglaws" / "laws").mkdir(parents=True)
    (tmp_path / "notebooks" / "toy.py").write_text('# %% tags=["export"]\nA = 1\n', encoding="utf-8")
    assert cli.main(["export", "--check", "--root", str(tmp_path)]) == 1
    assert "toy.py is missing" in capsys.readouterr().err
    assert cli.main(["export", "--root", str(tmp_path)]) == 0
    assert cli.main(["export", "--check", "--root", str(tmp_path)]) == 0


def test_python_dash_m_works():
    result = subprocess.run([sys.executable, "-m", "scalinglaws", "export", "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
