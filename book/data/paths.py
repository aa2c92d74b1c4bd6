"""Where the book's data live, found from the package rather than the working directory."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
PUBLISHED = DATA / "published"
SIMULATED = DATA / "simulated"
DATAPACKAGE = DATA / "datapackage.json"
