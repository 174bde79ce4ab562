"""The Lambda code asset contains the handler packages and their arm64 runtime dependencies only."""

from pathlib import Path

from infra.cdk.bundling import asset_key, build_lambda_asset, runtime_dependencies


def test_asset_contents_for_arm64():
    directory, key = build_lambda_asset()
    assert key == asset_key()
    top_level = {path.name for path in directory.iterdir()}
    assert {"functions", "schemas", "pydantic", "aws_lambda_powertools", "pyhanko", "boto3"} <= top_level
    assert not {"moto", "aws_cdk", "cdk_nag", "cfnlint", "local", "infra", "tests", "pytest", "jsii"} & top_level
    native = [path.name for path in (directory / "pydantic_core").glob("*.so")]
    assert native and all("aarch64" in name for name in native)
    assert not list(directory.rglob("*x86_64*.so"))
    assert list((directory / "schemas" / "reference").glob("*.json"))
    assert not list(directory.rglob("__pycache__"))


def test_asset_cache_is_reused():
    first, _ = build_lambda_asset()
    marker = first / "functions" / "__init__.py"
    stamp = marker.stat().st_mtime_ns
    second, _ = build_lambda_asset()
    assert second == first
    assert marker.stat().st_mtime_ns == stamp


def test_asset_dependencies_from_pyproject(tmp_path: Path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "x"\ndependencies = ["pydantic>=2", "qrcode"]\n')
    assert runtime_dependencies(pyproject) == ["pydantic>=2", "qrcode"]
    assert "moto" not in " ".join(runtime_dependencies())
