/**
 * Issues found while validating a request against the data contract, and the per-row outcome
 * they imply under a policy. Every issue of a request is kept (no stopping at the first), except
 * that a file-level problem (a missing or extra column) is recorded once with `row: -1` and
 * applied to every row, so a million-row file does not produce a million identical messages.
 */
import { ISSUE_CODES, type IssueCode, type ValidationPolicy } from './params.js';

/** One data-contract problem of a request or file row: where, which check and what to fix. */
// A type alias (not an interface) so it is assignable to JSON-record types (server, log).
export type ContractIssue = {
  /** Index of the record / file row (0-based); -1 = the whole input (a column-level problem). */
  row: number;
  field: string;
  code: IssueCode;
  message: string;
};

/** Field named by issues about the model's output rather than an input. */
export const PREDICTION_FIELD = '(prediction)';

/** Counts of a batch's validation: rows predicted, rejected and warned, and rows per issue code. */
export interface ValidationSummary {
  rows: number;
  predicted: number;
  rejected: number;
  /** Rows predicted with at least one warning. */
  warned: number;
  /** Rows affected, per issue code. */
  byCode: Record<IssueCode, number>;
}

export class IssueSink {
  readonly issues: ContractIssue[] = [];
  /** 1 = the row gets no prediction. */
  readonly rejected: Uint8Array;
  /** 1 = the row has at least one warning (or a clip). */
  readonly warned: Uint8Array;
  readonly byCode: Record<IssueCode, number>;
  readonly policy: ValidationPolicy;
  readonly rowOffset: number;

  constructor(n: number, policy: ValidationPolicy, rowOffset = 0) {
    this.rejected = new Uint8Array(n);
    this.warned = new Uint8Array(n);
    this.policy = policy;
    this.rowOffset = rowOffset;
    this.byCode = Object.fromEntries(ISSUE_CODES.map((c) => [c, 0])) as Record<IssueCode, number>;
  }

  get n(): number {
    return this.rejected.length;
  }

  /** One row's issue; `row` is local to this batch (the reported row adds the offset). */
  add(row: number, field: string, code: IssueCode, message: string): void {
    this.issues.push({ row: row + this.rowOffset, field, code, message });
    this.byCode[code]++;
    if (this.policy[code] === 'reject') this.rejected[row] = 1;
    else this.warned[row] = 1;
  }

  /** An issue that rejects its row whatever the policy (a non-finite model output). */
  reject(row: number, field: string, code: IssueCode, message: string): void {
    this.issues.push({ row: row + this.rowOffset, field, code, message });
    this.byCode[code]++;
    this.rejected[row] = 1;
    this.warned[row] = 0;
  }

  /** True when the issue is an error (rejects its row) rather than a warning. */
  isError(issue: ContractIssue): boolean {
    return this.policy[issue.code] === 'reject' || issue.field === PREDICTION_FIELD;
  }

  /**
   * A problem of the whole input (a missing or extra column): recorded once; under `reject` every
   * row is rejected, under `warn` rows are not flagged one by one (the warning is the file's).
   */
  addAll(field: string, code: IssueCode, message: string): void {
    this.issues.push({ row: -1, field, code, message });
    this.byCode[code] += this.n;
    if (this.policy[code] === 'reject') this.rejected.fill(1);
  }

  summary(): ValidationSummary {
    let rejected = 0;
    let warned = 0;
    for (let i = 0; i < this.n; i++) {
      if (this.rejected[i]) rejected++;
      else if (this.warned[i]) warned++;
    }
    return { rows: this.n, predicted: this.n - rejected, rejected, warned, byCode: { ...this.byCode } };
  }
}

/** Sum of summaries (chunks of one file). */
export function mergeSummaries(a: ValidationSummary, b: ValidationSummary): ValidationSummary {
  const byCode = { ...a.byCode };
  for (const c of ISSUE_CODES) byCode[c] += b.byCode[c];
  return {
    rows: a.rows + b.rows,
    predicted: a.predicted + b.predicted,
    rejected: a.rejected + b.rejected,
    warned: a.warned + b.warned,
    byCode,
  };
}

/** The summary of a batch with no rows. */
export function emptySummary(): ValidationSummary {
  return new IssueSink(0, {} as ValidationPolicy).summary();
}
