// Whether a value reads as a person's name: letters (any script), hyphens and apostrophes, name
// particles ("van", "de"), and none of the words a sentence is made of — pronouns, possessives,
// verbs, "name", relations ("her partner"). A value that fails is asked for, never written.
import { loadWordLists } from './vocabulary.js';

let notNames: { words: Set<string>; particles: Set<string> } | undefined;

function lists() {
  if (!notNames) {
    const known = loadWordLists('known-words.yaml');
    const names = loadWordLists('names.yaml');
    const general = Object.keys(known).filter((k) => !k.endsWith('-cues') && !['age-words', 'phrases', 'guest-verbs'].includes(k));
    const words = new Set([...general.flatMap((k) => known[k]!), ...names.relations!, ...names['sentence-words']!]);
    notNames = { words, particles: new Set(names.particles) };
  }
  return notNames;
}

const NAME_WORD = /^\p{L}+(?:['’-]\p{L}+)*$/u;

/** Why `value` is not a person's name, or undefined when it reads as one. */
export function notAName(value: string): string | undefined {
  const { words, particles } = lists();
  const parts = value.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return 'empty';
  for (const part of parts) {
    const w = part.toLowerCase().replace(/’/g, "'");
    if (particles.has(w)) continue;
    if (!NAME_WORD.test(part)) return `"${part}" is not a name word`;
    if (/'s$/.test(w)) return `"${part}" is a possessive`;
    if (words.has(w)) return `"${part}" is not part of a name`;
  }
  if (parts.every((p) => particles.has(p.toLowerCase()))) return 'only particles';
  // "jordan lee alex morgan": two names side by side are asked, not joined
  if (parts.filter((p) => !particles.has(p.toLowerCase())).length > 3) return 'more words than a name';
  return undefined;
}
