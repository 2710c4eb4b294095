// Equimap's on-demand module, started by the page only when a workbook or a zipped shapefile is
// dropped or the table is downloaded as Parquet (so its module, dist/sheets/, is never part of the
// first visit). It gets {name, bytes, sheet} and answers {ok, csv, sheets, sheet, header_row};
// {shapefile: bytes, name} or {parts: [bytes…], names, name} (a .shp and its .dbf/.prj given
// loose) and answers {ok, geojson}; {parquet: json} and answers {ok, bytes};
// {ok: false, error} when it fails (src/bin/sheets.rs).
import init, { sheet_to_csv, table_parquet, shapefile_to_geojson, shapefile_parts_to_geojson } from './sheets/equimap-sheets.js';

const ready = init();
self.onmessage = async (event) => {
  try {
    await ready;
    if (typeof event.data.parquet === 'string') {
      const bytes = table_parquet(event.data.parquet);
      self.postMessage({ ok: true, bytes }, [bytes.buffer]);
      return;
    }
    if (event.data.parts) {
      self.postMessage({ ok: true, geojson: shapefile_parts_to_geojson(event.data.name, event.data.names, event.data.parts) });
      return;
    }
    if (event.data.shapefile) {
      self.postMessage({ ok: true, geojson: shapefile_to_geojson(event.data.name, event.data.shapefile) });
      return;
    }
    const { name, bytes, sheet } = event.data;
    const r = sheet_to_csv(name, bytes, sheet ?? undefined);
    self.postMessage({ ok: true, csv: r.csv, sheets: r.sheets, sheet: r.sheet, header_row: r.header_row });
  } catch (err) {
    self.postMessage({ ok: false, error: String(err) });
  }
};
