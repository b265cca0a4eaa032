/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for tests: every line must be
 * a HELP, TYPE or comment line or a sample; a family's HELP and TYPE come before its samples; a
 * family's samples are contiguous; summaries have quantile samples plus _sum and _count.
 */
export interface Sample {
  readonly name: string;
  readonly labels: ReadonlyMap<string, string>;
  readonly value: number;
}

export interface Family {
  readonly name: string;
  type: string;
  help: string | undefined;
  readonly samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const HELP = new RegExp(`^# HELP (${NAME}) (.*)$`);
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const SAMPLE = new RegExp(`^(${NAME})(\\{[^}]*\\})? (\\S+)( -?\\d+)?$`);
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/;
const VALUE = /^(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|NaN|[+-]Inf)$/;

function parseValue(text: string, line: number): number {
  if (!VALUE.test(text)) throw new Error(`line ${line}: bad value ${JSON.stringify(text)}`);
  return text === 'NaN' ? Number.NaN : text.endsWith('Inf') ? (text.startsWith('-') ? -Infinity : Infinity) : Number(text);
}

function parseLabels(text: string | undefined, line: number): Map<string, string> {
  const labels = new Map<string, string>();
  if (text === undefined) return labels;
  let rest = text.slice(1, -1);
  while (rest !== '') {
    const m = LABEL.exec(rest);
    if (m === null) throw new Error(`line ${line}: bad label set ${text}`);
    labels.set(m[1] ?? '', m[2] ?? '');
    rest = rest.slice(m[0].length);
  }
  return labels;
}

/** The family a sample belongs to: summaries and histograms add suffixes to the family name. */
function familyOf(sample: string, families: ReadonlyMap<string, Family>): Family | undefined {
  const direct = families.get(sample);
  if (direct !== undefined) return direct;
  const base = sample.replace(/_(sum|count|bucket|total|created)$/, '');
  return families.get(base);
}

export function parsePrometheusText(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new Error('exposition must end with a line feed');
  const families = new Map<string, Family>();
  let current: Family | undefined;
  const closed = new Set<string>();
  text
    .slice(0, -1)
    .split('\n')
    .forEach((raw, i) => {
      const line = i + 1;
      const help = HELP.exec(raw);
      const type = TYPE.exec(raw);
      if (help !== null || type !== null) {
        const name = (help ?? type)?.[1] ?? '';
        let family = families.get(name);
        if (family !== undefined && family.samples.length > 0) throw new Error(`line ${line}: HELP/TYPE for ${name} after its samples`);
        if (family === undefined) families.set(name, (family = { name, type: 'untyped', help: undefined, samples: [] }));
        if (type !== null) family.type = type[2] ?? 'untyped';
        else family.help = help?.[2];
        if (current !== undefined && current !== family) closed.add(current.name);
        current = family;
        return;
      }
      if (raw.startsWith('#')) return;
      const m = SAMPLE.exec(raw);
      if (m === null) throw new Error(`line ${line}: not a sample: ${JSON.stringify(raw)}`);
      const name = m[1] ?? '';
      const family = familyOf(name, families);
      if (family === undefined) throw new Error(`line ${line}: sample ${name} has no HELP/TYPE before it`);
      if (closed.has(family.name)) throw new Error(`line ${line}: samples of ${family.name} are not contiguous`);
      if (current !== undefined && current !== family) closed.add(current.name);
      current = family;
      family.samples.push({ name, labels: parseLabels(m[2], line), value: parseValue(m[3] ?? '', line) });
    });
  for (const f of families.values()) if (f.type === 'summary') checkSummary(f);
  return families;
}

function checkSummary(f: Family): void {
  const quantiles = f.samples.filter((s) => s.name === f.name);
  if (quantiles.length === 0 || quantiles.some((s) => !s.labels.has('quantile'))) throw new Error(`summary ${f.name} lacks quantile samples`);
  if (!f.samples.some((s) => s.name === `${f.name}_sum`)) throw new Error(`summary ${f.name} lacks _sum`);
  if (!f.samples.some((s) => s.name === `${f.name}_count`)) throw new Error(`summary ${f.name} lacks _count`);
}
