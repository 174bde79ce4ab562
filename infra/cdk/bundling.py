"""Build the Lambda code asset: the handler packages plus their runtime dependencies for arm64.

The dependency list is read from pyproject.toml's [project].dependencies, the same list the
project installs, so there is no second copy to keep in step. Wheels are fetched for
manylinux2014_aarch64 / CPython 3.13 with `--only-binary=:all:`, so no compiler or Docker is
needed. The result is cached under build/lambda-asset/<key>, where the key hashes the
pyproject file, the handler sources and the pip command; a repeated synth reuses it.
"""

import fcntl
import hashlib
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# The packages the handlers import at run time; local/, infra/ and tests/ never ship.
CODE_PACKAGES = ("functions", "schemas")
CACHE_DIR = PROJECT_ROOT / "build" / "lambda-asset"
PLATFORM_ARGS = (
    "--platform",
    "manylinux2014_aarch64",
    "--implementation",
    "cp",
    "--python-version",
    "3.13",
    "--only-binary=:all:",
)
_IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo")
_COMPLETE_MARKER = ".complete"


def runtime_dependencies(pyproject: Path = PROJECT_ROOT / "pyproject.toml") -> list[str]:
    """Return the requirement strings of [project].dependencies."""
    with pyproject.open("rb") as handle:
        return list(tomllib.load(handle)["project"]["dependencies"])


def _source_files(root: Path) -> list[Path]:
    files: list[Path] = []
    for package in CODE_PACKAGES:
        for path in sorted((root / package).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix not in {".pyc", ".pyo"}:
                files.append(path)
    return files


def asset_key(root: Path = PROJECT_ROOT) -> str:
    """Hash of everything that shapes the asset: pyproject, handler sources and the pip flags."""
    digest = hashlib.sha256()
    digest.update(" ".join(PLATFORM_ARGS).encode())
    digest.update((root / "pyproject.toml").read_bytes())
    for path in _source_files(root):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def _install_dependencies(target: Path, requirements: list[str]) -> None:
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-compile",
        *PLATFORM_ARGS,
        "--target",
        str(target),
        *requirements,
    ]
    # pip output is shown only when the install fails, because then it explains why.
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"building the Lambda asset failed:\n{result.stdout}\n{result.stderr}")


def build_lambda_asset(root: Path = PROJECT_ROOT, cache_dir: Path = CACHE_DIR) -> tuple[Path, str]:
    """Return (directory, key) of the built asset, building it first when the cache lacks it."""
    key = asset_key(root)
    directory = cache_dir / key
    cache_dir.mkdir(parents=True, exist_ok=True)
    # Parallel test workers may synthesize at once; one builds, the others wait and reuse.
    with (cache_dir / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (directory / _COMPLETE_MARKER).exists():
            _build(root, cache_dir, key, directory)
    return directory, key


def _build(root: Path, cache_dir: Path, key: str, directory: Path) -> None:
    staging = cache_dir / f"{key}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    _install_dependencies(staging, runtime_dependencies(root / "pyproject.toml"))
    # pip's bin/ scripts carry this machine's interpreter path and are never run on Lambda.
    shutil.rmtree(staging / "bin", ignore_errors=True)
    for package in CODE_PACKAGES:
        shutil.copytree(root / package, staging / package, ignore=_IGNORED)
    shutil.rmtree(directory, ignore_errors=True)
    staging.rename(directory)
    # An empty marker, excluded from the zip, that marks a finished build (an interrupted one has none).
    (directory / _COMPLETE_MARKER).touch()
    _prune_old(cache_dir, keep=directory)


def _prune_old(cache_dir: Path, keep: Path) -> None:
    """Keep only the current build, so the cache does not grow with every source change."""
    for entry in cache_dir.iterdir():
        if entry != keep and entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
