import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import { BETA_ALIASES, CLIENT_VARIANTS, SERVER_VARIANTS, classify, variantName, type ServerType } from '../src/events/catalogue.js';
import { fixture } from './helpers.js';

// Compile-time: `npm test` runs tsc over the tests, so this line fails the build when our 46 server types and
// openai@6's RealtimeServerEvent['type'] drift apart (in either direction).
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const sameAsOpenAI: Equal<ServerType, RealtimeServerEvent['type']> = true;

const lines = (name: string) => readFileSync(fixture(name), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

describe('catalogue', () => {
  it('has the same server types as openai@6', () => {
    expect(sameAsOpenAI).toBe(true);
    expectTypeOf<ServerType>().toEqualTypeOf<RealtimeServerEvent['type']>();
  });

  it('has 46 distinct GA server types with PascalCase variant names', () => {
    const types = SERVER_VARIANTS.map((v) => v.type);
    expect(types).toHaveLength(46);
    expect(new Set(types).size).toBe(46);
    expect(new Set(SERVER_VARIANTS.map((v) => v.name)).size).toBe(46);
    const name = (t: string) => SERVER_VARIANTS.find((v) => v.type === t)?.name;
    expect(name('response.output_audio.delta')).toBe('ResponseOutputAudioDelta');
    expect(name('conversation.item.input_audio_transcription.segment')).toBe('ConversationItemInputAudioTranscriptionSegment');
    expect(name('input_audio_buffer.dtmf_event_received')).toBe('InputAudioBufferDtmfEventReceived');
    expect(name('mcp_list_tools.failed')).toBe('McpListToolsFailed');
    expect(name('rate_limits.updated')).toBe('RateLimitsUpdated');
    expect(name('error')).toBe('Error');
    for (const v of SERVER_VARIANTS) expect(v.name).toMatch(/^[A-Z][A-Za-z]*$/);
  });

  it('gives every server variant a family and its required fields', () => {
    for (const v of SERVER_VARIANTS) {
      expect(v.family).not.toBe('unknown');
      if (v.type === 'input_audio_buffer.dtmf_event_received') expect(v.required).toEqual({ event: 'string', received_at: 'integer' });
      else expect(v.required.event_id).toBe('string');
    }
    expect(SERVER_VARIANTS.find((v) => v.type === 'response.function_call_arguments.done')?.required).toMatchObject({ name: 'string', arguments: 'string', call_id: 'string' });
    expect(SERVER_VARIANTS.find((v) => v.type === 'rate_limits.updated')?.required.rate_limits).toBe('array');
  });

  it('has every GA client event type, direction client', () => {
    expect(CLIENT_VARIANTS.map((v) => v.type).sort()).toEqual([
      'conversation.item.create', 'conversation.item.delete', 'conversation.item.retrieve', 'conversation.item.truncate',
      'input_audio_buffer.append', 'input_audio_buffer.clear', 'input_audio_buffer.commit', 'output_audio_buffer.clear',
      'response.cancel', 'response.create', 'session.update',
    ]);
    for (const v of CLIENT_VARIANTS) expect(v.dir).toBe('client');
  });

  it('maps beta names to their GA variant, marked as aliases', () => {
    expect(classify('response.audio.delta')).toMatchObject({ alias: 'response.audio.delta', variant: { name: 'ResponseOutputAudioDelta' } });
    expect(classify('output_audio_buffer.audio_started').variant.name).toBe('OutputAudioBufferStarted');
    expect(classify('transcription_session.updated').variant.name).toBe('SessionUpdated');
    expect(classify('response.text.done').variant.type).toBe('response.output_text.done');
    expect(Object.keys(BETA_ALIASES)).toHaveLength(12);
    expect(classify('session.created').alias).toBeNull();
  });

  it('tags anything else as Unknown, keeping its type', () => {
    const t = classify('response.audio_buffer.speech_started');
    expect(t.known).toBe(false);
    expect(t.variant.name).toBe('Unknown');
    expect(t.variant.type).toBe('response.audio_buffer.speech_started');
  });

  it('tags every line of the GA spec examples with its GA variant', () => {
    const events = lines('spec-ga-server-events.jsonl');
    expect(events).toHaveLength(46);
    for (const e of events) {
      const tag = classify(e.type);
      expect(tag.known, e.type).toBe(true);
      expect(tag.alias).toBeNull();
      expect(tag.variant.name).toBe(variantName(e.type));
      expect(tag.variant.dir).toBe('server');
    }
    expect(new Set(events.map((e) => e.type)).size).toBe(46);
  });

  it('tags the GA client examples as client variants', () => {
    for (const e of lines('spec-ga-client-events.jsonl')) {
      expect(classify(e.type).variant.dir, e.type).toBe('client');
    }
  });

  it('tags beta names in the beta examples and the real beta session as aliases of their GA variant', () => {
    for (const file of ['spec-beta-server-events.jsonl', 'real-beta-webrtc-session.jsonl']) {
      const seen = new Set<string>();
      for (const e of lines(file)) {
        const tag = classify(e.type);
        expect(tag.known, `${file}: ${e.type}`).toBe(true);
        if (e.type in BETA_ALIASES) {
          expect(tag.alias).toBe(e.type);
          expect(tag.variant.type).toBe(BETA_ALIASES[e.type as keyof typeof BETA_ALIASES]);
          seen.add(e.type);
        } else {
          // Names both eras share (session.created, conversation.item.created) are not aliases.
          expect(tag.alias, e.type).toBeNull();
          expect(tag.variant.type).toBe(e.type);
        }
      }
      expect(seen.size).toBeGreaterThan(2);
    }
  });
});
