// GPT-Live's and Realtime Translation's catalogues against openai-node 7's types (a types-only dev dependency,
// `openai-7`: tsc reads its .d.ts files on Node 20; nothing of it runs) and against the reference catalogue.
import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ClientEvent as LiveClientEvent, ServerEvent as LiveServerEvent } from 'openai-7/resources/live/live';
import type { RealtimeTranslationClientEvent, RealtimeTranslationServerEvent } from 'openai-7/resources/realtime/realtime';
import { catalogueOf, LIVE_ALIASES, type LiveClientType, type LiveServerType, type Protocol, type TranslationClientType, type TranslationServerType } from '../src/events/catalogue.js';
import { LIVE_CLIENT_EVENTS, LIVE_SERVER_EVENTS } from '../src/events/live.js';
import { TRANSLATION_CLIENT_EVENTS, TRANSLATION_SERVER_EVENTS } from '../src/events/translation.js';
import { fixture } from './helpers.js';

// Compile-time checks: `npm test` runs tsc over the tests, so these lines fail the build when a catalogue and
// openai-node 7 drift apart, in either direction.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const liveServer: Equal<LiveServerType | keyof typeof LIVE_ALIASES, LiveServerEvent['type']> = true;
const liveClient: Equal<LiveClientType, LiveClientEvent['type']> = true;
const translationServer: Equal<TranslationServerType, RealtimeTranslationServerEvent['type']> = true;
const translationClient: Equal<TranslationClientType, RealtimeTranslationClientEvent['type']> = true;

/** The keys a type requires (not optional). */
type RequiredKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T];
/** The TypeScript type of a catalogue field kind. */
type KindType<K> = K extends 'string' ? string : K extends 'integer' | 'number' ? number : K extends 'array' ? readonly unknown[] : K extends 'object' ? object : never;
/**
 * For every row of a table, the fields the catalogue requires that the SDK type does not (or types otherwise):
 * `never` when the catalogue is no stricter than openai-node 7 (PROTOCOL.md §9: tolerate, never invent).
 */
type Stricter<Rows extends readonly (readonly [string, string, object, ...unknown[]])[], Union extends { type: string }> = {
  [R in Rows[number] as R[0]]: {
    [F in keyof R[2]]: F extends RequiredKeys<Extract<Union, { type: R[0] }>>
      ? (Extract<Union, { type: R[0] }>[F & keyof Extract<Union, { type: R[0] }>] extends KindType<R[2][F]> ? never : F)
      : F
  }[keyof R[2]]
};
type None<T> = T[keyof T] extends never ? true : false;
const liveServerFields: None<Stricter<typeof LIVE_SERVER_EVENTS, LiveServerEvent>> = true;
const liveClientFields: None<Stricter<typeof LIVE_CLIENT_EVENTS, LiveClientEvent>> = true;
const translationServerFields: None<Stricter<typeof TRANSLATION_SERVER_EVENTS, RealtimeTranslationServerEvent>> = true;
const translationClientFields: None<Stricter<typeof TRANSLATION_CLIENT_EVENTS, RealtimeTranslationClientEvent>> = true;

const ref = JSON.parse(readFileSync(fixture('protocols-2026/catalogue.json'), 'utf8'));
const typesOf = (p: Protocol, dir: 'server' | 'client') => catalogueOf(p).variants.filter((v) => v.dir === dir).map((v) => v.type);

describe('GPT-Live and Translation catalogues, typed by openai-node 7', () => {
  it('have the event types of openai-node 7 (Live: both DTMF spellings)', () => {
    expect([liveServer, liveClient, translationServer, translationClient]).toEqual([true, true, true, true]);
    expectTypeOf<LiveClientType>().toEqualTypeOf<LiveClientEvent['type']>();
    expectTypeOf<TranslationServerType>().toEqualTypeOf<RealtimeTranslationServerEvent['type']>();
  });

  it('require no field that openai-node 7 leaves optional, and type each as it does', () => {
    expect([liveServerFields, liveClientFields, translationServerFields, translationClientFields]).toEqual([true, true, true, true]);
    // And the tolerance of PROTOCOL.md §9: wire frames seen without these.
    const required = (p: Protocol, type: string, dir: 'server' | 'client' = 'server') => catalogueOf(p).variants.find((v) => v.type === type && v.dir === dir)!.required;
    expect(required('live', 'session.output_audio.delta')).toEqual({ delta: 'string' });
    expect(required('live', 'session.output_transcript.delta')).toEqual({ delta: 'string' });
    expect(required('live', 'session.input_audio.append')).toEqual({ audio: 'string' });
    expect(required('live', 'session.closed')).not.toHaveProperty('session');
    expect(required('live', 'session.commentary.append', 'client')).not.toHaveProperty('delegation_id');
  });

  it('match the reference catalogue (fixtures/protocols-2026/catalogue.json), in its order', () => {
    expect(typesOf('live', 'client')).toEqual(ref.live.client.map((r: string[]) => r[0]));
    expect(typesOf('live', 'server')).toEqual(ref.live.server.map((r: string[]) => r[0]));
    expect(typesOf('translation', 'client')).toEqual(ref.realtime_translation.client.map((r: string[]) => r[0]));
    expect([...typesOf('translation', 'server')].sort()).toEqual(ref.realtime_translation.server.map((r: string[]) => r[0]).sort());
  });

  it('pass every reference frame of its protocol with all its required fields', () => {
    for (const [name, p] of [['live-frames', 'live'], ['translation-frames', 'translation']] as const) {
      const lines = readFileSync(fixture(`protocols-2026/${name}.annotated.jsonl`), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
      for (const l of lines) {
        const v = catalogueOf(p).variants.find((x) => x.type === l.frame.type && x.dir === (l.dir === 'c2s' ? 'client' : 'server'))!;
        for (const field of Object.keys(v.required)) expect(l.frame, `${l.frame.type} ${field}`).toHaveProperty(field);
      }
    }
  });
});
