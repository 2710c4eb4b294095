#!/usr/bin/env python3
"""Writes the zipped shapefiles the tests read (tests/fixtures/*.zip), as GIS offices publish
them, from the bundled boundaries, projected by PROJ (pyproj) and written by pyshp — independently
of the engine's readers and projection code. Run from the repository:
`pip install pyshp pyproj && python3 scripts/shapefile_fixture.py`. The tests read the committed
files; they never run this.

- chicago_community_areas_il_east_ft.zip: Chicago's 77 community areas in Illinois State Plane
  East, US survey feet (EPSG:3435, the City's GIS system), fields as the City's shapefile names
  them (AREA_NUMBE, COMMUNITY, SHAPE_AREA, SHAPE_LEN), an ArcGIS .prj, no .cpg, text in cp1252.
- west_midlands_districts_bng.zip: the West Midlands' 30 districts in British National Grid
  (EPSG:27700), fields as ONS's boundary downloads have them (LAD23CD, LAD23NM, LAD23NMW, BNG_E,
  BNG_N, LONG, LAT, GlobalID), ONS's .prj and a UTF-8 .cpg, inside a folder of the archive.
- chicago_libraries_points.zip: points (a list of places), which is not boundaries.
"""
import io
import json
import os
import zipfile

import shapefile
from pyproj import Transformer

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.join(here, "..")
out = os.path.join(root, "tests", "fixtures")

IL_EAST = 'PROJCS["NAD_1983_StatePlane_Illinois_East_FIPS_1201_Feet",GEOGCS["GCS_North_American_1983",DATUM["D_North_American_1983",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",984250.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",-88.33333333333333],PARAMETER["Scale_Factor",0.999975],PARAMETER["Latitude_Of_Origin",36.66666666666666],UNIT["Foot_US",0.3048006096012192]]'
BNG = 'PROJCS["British_National_Grid",GEOGCS["GCS_OSGB_1936",DATUM["D_OSGB_1936",SPHEROID["Airy_1849",6377563.396,299.3249646]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",400000.0],PARAMETER["False_Northing",-100000.0],PARAMETER["Central_Meridian",-2.0],PARAMETER["Scale_Factor",0.9996012717],PARAMETER["Latitude_Of_Origin",49.0],UNIT["Meter",1.0]]'
WGS84 = 'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]'


def projected(geometry, to):
    """The GeoJSON geometry with every point transformed (lon/lat in, x/y out)."""
    polys = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    moved = [[[list(to.transform(x, y)) for x, y in ring] for ring in poly] for poly in polys]
    return {"type": "MultiPolygon", "coordinates": moved}


def write(name, stem, shapes, fields, records, prj, cpg=None, encoding="utf-8", folder=""):
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    w = shapefile.Writer(shp=shp, shx=shx, dbf=dbf, encoding=encoding)
    for f in fields:
        w.field(*f)
    for shape, rec in zip(shapes, records):
        w.shape(shape)
        w.record(*rec)
    w.close()
    with zipfile.ZipFile(os.path.join(out, name), "w", zipfile.ZIP_DEFLATED) as z:
        for ext, data in [("shp", shp), ("shx", shx), ("dbf", dbf)]:
            z.writestr(f"{folder}{stem}.{ext}", data.getvalue())
        z.writestr(f"{folder}{stem}.prj", prj)
        if cpg:
            z.writestr(f"{folder}{stem}.cpg", cpg)


def chicago():
    src = json.load(open(os.path.join(root, "static/data/chicago/community_area/boundaries.geojson")))
    to = Transformer.from_crs("EPSG:4326", "EPSG:3435", always_xy=True)
    shapes, records = [], []
    for f in src["features"]:
        geom = projected(f["geometry"], to)
        shape = shapefile.Shape._from_geojson(geom)
        shapes.append(shape)
        records.append((int(f["properties"]["code"]), f["properties"]["name"].upper(), 0.0, 0.0))
    fields = [("AREA_NUMBE", "N", 10, 0), ("COMMUNITY", "C", 80), ("SHAPE_AREA", "N", 19, 2), ("SHAPE_LEN", "N", 19, 2)]
    write("chicago_community_areas_il_east_ft.zip", "geo_export_community_areas", shapes, fields, records, IL_EAST, encoding="cp1252")


def west_midlands():
    src = json.load(open(os.path.join(root, "static/data/west-midlands/lad/boundaries.geojson")))
    to = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    shapes, records = [], []
    for i, f in enumerate(src["features"]):
        geom = projected(f["geometry"], to)
        shapes.append(shapefile.Shape._from_geojson(geom))
        ring = f["geometry"]["coordinates"][0][0]
        lon, lat = sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)
        e, n = to.transform(lon, lat)
        p = f["properties"]
        records.append((p["code"], p["name"], "", round(e), round(n), round(lon, 5), round(lat, 5), f"{{{i:08d}-0000-4000-8000-000000000000}}"))
    fields = [
        ("LAD23CD", "C", 9), ("LAD23NM", "C", 36), ("LAD23NMW", "C", 24), ("BNG_E", "N", 10, 0), ("BNG_N", "N", 10, 0),
        ("LONG", "N", 19, 5), ("LAT", "N", 19, 5), ("GlobalID", "C", 38),
    ]
    write("west_midlands_districts_bng.zip", "LAD_MAY_2023_UK_BGC_V2", shapes, fields, records, BNG, cpg="UTF-8", folder="LAD_MAY_2023_UK_BGC_V2/")


def points():
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    w = shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POINT)
    w.field("NAME", "C", 40)
    for name, lon, lat in [("Harold Washington", -87.6282, 41.8762), ("Sulzer Regional", -87.6856, 41.9617)]:
        w.point(lon, lat)
        w.record(name)
    w.close()
    with zipfile.ZipFile(os.path.join(out, "chicago_libraries_points.zip"), "w", zipfile.ZIP_DEFLATED) as z:
        for ext, data in [("shp", shp), ("shx", shx), ("dbf", dbf)]:
            z.writestr(f"libraries.{ext}", data.getvalue())
        z.writestr("libraries.prj", WGS84)


if __name__ == "__main__":
    chicago()
    west_midlands()
    points()
