#!/usr/bin/env python3
"""Writes tests/fixtures/projected_points.csv: real points of both founding regions with their
coordinates in the projected systems exports use, computed by PROJ (pyproj), independently of the
engine's own projection code (proj4rs). Run from the repository: `python3 scripts/projected_fixture.py`
(needs `pip install pyproj`). The tests read the committed file; they never run this.

Points: every 40th row with coordinates of the Chicago 2023 program export (EPSG:3435, Illinois
State Plane East, NAD83, US survey feet: the City of Chicago's `X Coordinate`/`Y Coordinate`), and
every 400th located postcode of the West Midlands postcode files (EPSG:27700, British National
Grid eastings/northings).
"""
import csv
import glob
import os

from pyproj import Transformer

here = os.path.dirname(os.path.abspath(__file__))
shared = os.path.join(here, "..", "..", "shared", "data")
out = os.path.join(here, "..", "tests", "fixtures", "projected_points.csv")

rows = []
to_3435 = Transformer.from_crs("EPSG:4326", "EPSG:3435", always_xy=True)
with open(os.path.join(shared, "chicago/programs/mcmf_programs_2023.csv"), newline="", encoding="utf-8") as f:
    located = [r for r in csv.DictReader(f) if r["latitude"] and r["longitude"]]
for r in located[::40]:
    lat, lon = float(r["latitude"]), float(r["longitude"])
    x, y = to_3435.transform(lon, lat)
    rows.append(("EPSG:3435", f"{x:.2f}", f"{y:.2f}", f"{lat:.6f}", f"{lon:.6f}"))

to_27700 = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
postcodes = []
for path in sorted(glob.glob(os.path.join(shared, "west-midlands/postcodes/*.csv"))):
    with open(path, newline="", encoding="utf-8") as f:
        postcodes += [r for r in csv.DictReader(f) if r["lat"].strip()]
for r in postcodes[::400]:
    lat, lon = float(r["lat"]), float(r["long"])
    x, y = to_27700.transform(lon, lat)
    rows.append(("EPSG:27700", f"{x:.2f}", f"{y:.2f}", f"{lat:.6f}", f"{lon:.6f}"))

with open(out, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["crs", "x", "y", "lat", "lon"])
    w.writerows(rows)
print(f"wrote {out}: {len(rows)} points")
