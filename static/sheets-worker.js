// Equimap's on-demand module, started by the page only when a workbook is dropped or the table is
// downloaded as Parquet (so its module, dist/sheets/, is never part of the first visit). It gets
// {name, bytes, sheet} and answers {ok, csv, sheets, sheet, header_row}, or {parquet: json} and
// answers {ok, bytes}; {ok: false, error} when it fails (src/bin/sheets.rs).
import init, { sheet_to_csv, table_parquet } from './sheets/equimap-sheets.js';

const ready = init();
self.onmessage = async (event) => {
  try {
    await ready;
    if (typeof event.data.parquet === 'string') {
      const bytes = table_parquet(event.data.parquet);
      self.postMessage({ ok: true, bytes }, [bytes.buffer]);
      return;
    }
    const { name, bytes, sheet } = event.data;
    const r = sheet_to_csv(name, bytes, sheet ?? undefined);
    self.postMessage({ ok: true, csv: r.csv, sheets: r.sheets, sheet: r.sheet, header_row: r.header_row });
  } catch (err) {
    self.postMessage({ ok: false, error: String(err) });
  }
};
