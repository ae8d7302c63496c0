/**
 * ames.csv (2930 houses, 40 categorical inputs) for the ensemble tests, read with the DataLoader:
 * a few categorical and numeric cells blanked (so imputation and missing indicators take part),
 * and a train/test split in which TEST holds levels TRAIN never saw (the rarest level of a few
 * columns is kept out of TRAIN), so unknown-category handling takes part too.
 */
import { join } from 'node:path';
import type { Column, Frame, NumericColumn } from '../../src/data/frame.js';
import { DataLoader } from '../../src/data/loader.js';
import { DATA_DIR, splitIdx } from '../helpers/datasets.js';

export const AMES_TARGET = 'Sale_Price';
/** Columns whose rarest level never reaches TRAIN. */
export const UNSEEN_IN = ['Neighborhood', 'Exterior_1st', 'MS_SubClass', 'Roof_Matl'];

export interface AmesSplit {
  train: Frame;
  test: Frame;
  yTrain: Float64Array;
  yTest: Float64Array;
}

let cached: Promise<AmesSplit> | undefined;

export function amesSplit(): Promise<AmesSplit> {
  cached ??= load();
  return cached;
}

async function load(): Promise<AmesSplit> {
  const { frame } = await DataLoader.load(join(DATA_DIR, 'ames.csv'), { target: AMES_TARGET });
  const y = (frame.get(AMES_TARGET) as NumericColumn).values;
  let X = frame.drop([AMES_TARGET]);
  X = blank(X, 'Garage_Type', 17);
  X = blank(X, 'Lot_Frontage', 23);
  const n = X.nRows;
  const rare = new Uint8Array(n);
  for (const name of UNSEEN_IN) {
    const col = X.get(name);
    if (col.type !== 'categorical') throw new Error(`ames: ${name} should be categorical`);
    const counts = new Int32Array(col.dictionary.length);
    for (const c of col.codes) if (c >= 0) counts[c]++;
    let least = -1;
    for (let k = 0; k < counts.length; k++)
      if (counts[k] > 0 && (least < 0 || counts[k] < counts[least])) least = k;
    for (let i = 0; i < n; i++) if (col.codes[i] === least) rare[i] = 1;
  }
  const { test } = splitIdx(n, 0.2, 11);
  const isTest = new Uint8Array(n);
  for (const i of test) isTest[i] = 1;
  const trainIdx: number[] = [];
  const testIdx: number[] = [];
  for (let i = 0; i < n; i++) (isTest[i] || rare[i] ? testIdx : trainIdx).push(i);
  return {
    train: X.take(trainIdx),
    test: X.take(testIdx),
    yTrain: Float64Array.from(trainIdx, (i) => y[i]),
    yTest: Float64Array.from(testIdx, (i) => y[i]),
  };
}

/** Every `every`-th cell of a column made missing. */
function blank(X: Frame, name: string, every: number): Frame {
  const col = X.get(name);
  let out: Column;
  if (col.type === 'categorical') {
    const codes = Int32Array.from(col.codes);
    for (let i = 0; i < codes.length; i += every) codes[i] = -1;
    out = { type: 'categorical', codes, dictionary: col.dictionary };
  } else if (col.type === 'numeric') {
    const values = Float64Array.from(col.values);
    for (let i = 0; i < values.length; i += every) values[i] = Number.NaN;
    out = { type: 'numeric', values };
  } else throw new Error(`ames: ${name} is ${col.type}`);
  return X.withColumn(name, out);
}
