import { decodeTags, encodeTags, mergeTags, type RunKey, type Tags, tagValueText } from "../../history/index.js";
import type { StepWrite } from "../step-write.js";
import { nullableText, type Row } from "./rows.js";
import { type Statement, valueRows } from "./statements.js";

/*
 * A run's tags: as JSON on its row (what RunInfo.tags reads), and one row a tag in run_tags,
 * the index that tag queries read (namespace, key, value, creation time, run).
 */

/** The run_tags rows of a run created at `createdAt`; undefined when it has no tags. */
export function insertTagsStatement(p: string, key: RunKey, createdAt: number, tags: Tags): Statement | undefined {
  const entries = Object.entries(tags);
  if (entries.length === 0) return undefined;
  return {
    sql: `INSERT INTO ${p}run_tags (namespace, tag_key, tag_value, created_at, workflow, run_id) VALUES ${valueRows(entries.length, 6)}`,
    args: entries.flatMap(([tag, value]) => [
      key.namespace,
      tag,
      tagValueText(value),
      createdAt,
      key.workflow,
      key.runId,
    ]),
  };
}

/** Deletes the run's run_tags rows. */
export function deleteTagsStatement(p: string, key: RunKey): Statement {
  return {
    sql: `DELETE FROM ${p}run_tags WHERE namespace = ? AND workflow = ? AND run_id = ?`,
    args: [key.namespace, key.workflow, key.runId],
  };
}

/** The statements that replace a run's tags (on its row, and in run_tags). */
export function replaceTagsStatements(p: string, key: RunKey, createdAt: number, tags: Tags): Statement[] {
  const insert = insertTagsStatement(p, key, createdAt, tags);
  return [
    {
      sql: `UPDATE ${p}runs SET tags = ? WHERE namespace = ? AND workflow = ? AND run_id = ?`,
      args: [encodeTags(tags), key.namespace, key.workflow, key.runId],
    },
    deleteTagsStatement(p, key),
    ...(insert === undefined ? [] : [insert]),
  ];
}

/**
 * The run_tags join of a listing or count by tags: the first tag drives it (its index range, in
 * creation order: `t`), every further tag is an EXISTS on the same index. `runs` is the alias of
 * the runs table. Undefined without tags.
 */
export function tagJoin(
  p: string,
  namespace: string,
  tags: Tags | undefined,
): { join: string; where: string[]; args: unknown[] } | undefined {
  const [first, ...rest] = Object.entries(tags ?? {});
  if (first === undefined) return undefined;
  const join = ` JOIN ${p}runs runs ON runs.namespace = t.namespace AND runs.workflow = t.workflow AND runs.run_id = t.run_id`;
  const where = ["t.namespace = ?", "t.tag_key = ?", "t.tag_value = ?"];
  const args: unknown[] = [namespace, first[0], tagValueText(first[1])];
  for (const [tag, value] of rest) {
    where.push(
      `EXISTS (SELECT 1 FROM ${p}run_tags o WHERE o.namespace = runs.namespace AND o.tag_key = ? AND o.tag_value = ?
                  AND o.created_at = runs.created_at AND o.workflow = runs.workflow AND o.run_id = runs.run_id)`,
    );
    args.push(tag, tagValueText(value));
  }
  return { join: `${p}run_tags t${join}`, where, args };
}

/** The columns of a comma-separated list, each prefixed with the table alias `alias`. */
export function qualified(columns: string, alias: string): string {
  return columns
    .split(",")
    .map((column) => `${alias}.${column.trim()}`)
    .join(", ");
}

/** The run's tags after a step: the locked row's, with those the step set over them. */
export function tagsAfter(step: StepWrite, row: Row): Tags {
  const current = decodeTags(nullableText(row.tags), `tags of run ${step.key.runId}`);
  return mergeTags(current, ...(step.tagsSet ?? []));
}
