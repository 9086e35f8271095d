/**
 * Reads the lab's report back: `### N. title` parts holding
 * `--- title ---` sections whose body lines are indented two spaces.
 */
export interface Section {
  /** The part number (-1 before the first `### N.`). */
  part: number;
  title: string;
  body: string[];
}

export function parseSections(text: string): Section[] {
  const out: Section[] = [];
  let part = -1;
  let cur: Section | undefined;
  for (const line of text.split('\n')) {
    const p = /^### (\d+)\. /.exec(line);
    if (p) {
      part = Number(p[1]);
      cur = undefined;
      continue;
    }
    const s = /^--- (.*) ---$/.exec(line);
    if (s) {
      cur = { part, title: s[1], body: [] };
      out.push(cur);
      continue;
    }
    if (cur && line.startsWith('  ')) cur.body.push(line.slice(2));
    else if (line !== '') cur = undefined;
  }
  return out;
}

/** The one section of `part` titled `title` (or `title (...)`, or a longer prefix of that). */
export function sectionOf(all: Section[], part: number, title: string): Section {
  const matches = (t: string) => t === title || t.startsWith(`${title} (`) || (title.includes('(') && t.startsWith(title));
  const found = all.filter((s) => s.part === part && matches(s.title));
  if (found.length !== 1) throw new Error(`expected one section '${title}' in part ${part}, found ${found.length}: ${all.map((s) => `${s.part}:${s.title}`).join(', ')}`);
  return found[0];
}
