// Equimap's spreadsheet reader, started by the page only when a workbook is dropped (so its
// module, dist/sheets/, is never part of the first visit). It gets {name, bytes, sheet} and
// answers {ok, csv, sheets, sheet, header_row} or {ok: false, error} (src/bin/sheets.rs).
import init, { sheet_to_csv } from './sheets/equimap-sheets.js';

const ready = init();
self.onmessage = async (event) => {
  try {
    await ready;
    const { name, bytes, sheet } = event.data;
    const r = sheet_to_csv(name, bytes, sheet ?? undefined);
    self.postMessage({ ok: true, csv: r.csv, sheets: r.sheets, sheet: r.sheet, header_row: r.header_row });
  } catch (err) {
    self.postMessage({ ok: false, error: String(err) });
  }
};
