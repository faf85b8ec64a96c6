// The reading's vocabulary: word lists kept as data (vocabulary/*.yaml), loaded once and checked
// when first used — a malformed list stops the process with the file and group named, never a
// silently empty list. A venue in another English-speaking country is a change of these files.
import { readFileSync } from 'node:fs';
import { load as loadYaml } from 'js-yaml';
import { Ajv } from 'ajv';

const WORD_LISTS = {
  type: 'object',
  additionalProperties: { type: 'array', minItems: 1, items: { type: 'string', pattern: "^[a-z0-9'.&-]+(?: [a-z0-9'.&-]+)*$" } },
} as const;

const validate = new Ajv({ allErrors: true }).compile(WORD_LISTS);

/** Named lists of lower-case words or phrases, from one vocabulary file. */
export type WordLists = Record<string, string[]>;

const cache = new Map<string, WordLists>();

export function loadWordLists(file: string): WordLists {
  const hit = cache.get(file);
  if (hit) return hit;
  const url = new URL(`./vocabulary/${file}`, import.meta.url);
  const data = loadYaml(readFileSync(url, 'utf8'));
  if (!validate(data)) {
    const why = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
    throw new Error(`vocabulary/${file} is not a set of lower-case word lists: ${why}`);
  }
  const lists = data as WordLists;
  cache.set(file, lists);
  return lists;
}

/** Words and multi-word phrases of some lists, split for matching token by token. */
export interface WordSet {
  words: Set<string>;
  phrases: string[][];
}

export function wordSet(lists: WordLists, names: string[]): WordSet {
  const out: WordSet = { words: new Set(), phrases: [] };
  for (const name of names) {
    const list = lists[name];
    if (!list) throw new Error(`vocabulary: no list named "${name}"`);
    for (const entry of list) {
      if (entry.includes(' ')) out.phrases.push(entry.split(' '));
      else out.words.add(entry);
    }
  }
  out.phrases.sort((a, b) => b.length - a.length);
  return out;
}
