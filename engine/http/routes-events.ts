import type { OutgoingHttpHeaders } from 'node:http';
import { replayRun } from '../run/recorded-runs';
import { replayRecord } from '../run/record-reader';
import type { LiveRun } from './live-run';
import { problem, sendProblem } from './problems';
import type { ApiContext, ApiRoute } from './route';
import { EventHeaders, RunParams } from './schemas';
import { SseWriter } from './sse';

const HEARTBEAT_MS = 15_000;

/**
 * Streams a run of this server's from after `after` to its `run-finished`: from memory while memory has
 * the next events, from the record when it does not any more (a chatty run keeps only its latest events;
 * a finished one none).
 */
async function followLive(run: LiveRun, after: number, out: SseWriter): Promise<void> {
  let sent = after;
  /** Where the record has been read to. */
  let offset = 0;
  const send = (seq: number, json: string) => {
    sent = seq;
    return out.send(seq, json);
  };
  while (!out.done && !(run.finishedSeq > 0 && sent >= run.finishedSeq)) {
    const fresh = run.eventsAfter(sent);
    if (fresh === undefined) {
      const before = sent;
      const replay = await replayRecord(run.file, sent, send, { from: offset, stopped: () => out.done }).catch(() => undefined);
      if (replay) offset = replay.end;
      await out.flush();
      if (replay?.finished) return;
      if (sent === before) {
        // Nothing new in the record: it is written at the recorder's next turn (or, once settled, never).
        if (run.settled) return;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      continue;
    }
    for (const event of fresh) {
      const wait = send(event.seq, JSON.stringify(event));
      if (wait) await wait;
      if (event.type === 'run-finished') break;
    }
    await out.flush();
    if (fresh.length === 0) {
      if (run.settled) return;
      await Promise.race([run.changed(), out.closed]);
    }
  }
}

/**
 * `GET /runs/{runId}/events`: the run's events as server-sent events, from its start (from memory, or
 * replayed from its record) to `run-finished`, then the stream ends. `Last-Event-ID` resumes after that
 * event; resuming after `run-finished` is answered 204, which tells an EventSource to stop reconnecting.
 */
export function eventRoutes(ctx: ApiContext): ApiRoute[] {
  return [
    {
      method: 'GET',
      url: '/runs/:runId/events',
      operationId: 'runEvents',
      summary: "A run's events as server-sent events",
      description:
        "Each event is `id: <seq>` and `data: <RunEvent JSON>`; the stream starts at the run's first event (or after `Last-Event-ID`) and ends after `run-finished`. A comment line is sent every 15 s while nothing happens.",
      params: RunParams,
      headers: EventHeaders,
      responses: {
        200: {
          description: 'The event stream.',
          mediaType: 'text/event-stream',
          schema: { type: 'string', description: 'Server-sent events; each data line is a RunEvent.' },
        },
        204: { description: "`Last-Event-ID` is the run's last event: nothing more will come." },
      },
      problems: [400, 404],
      handler: async (request, reply) => {
        const { runId } = request.params as { runId: string };
        const found = await ctx.runs.find(runId);
        if (!found) {
          sendProblem(request, reply, problem('run-not-found', `no run ${JSON.stringify(runId)}`));
          return reply;
        }
        const after = Number(request.headers['last-event-id'] ?? 0);
        const lastSeq = found.kind === 'live' ? found.run.finishedSeq : found.record.ended ? found.record.lastSeq : 0;
        if (lastSeq > 0 && after >= lastSeq) return reply.code(204).send();
        reply.hijack();
        const raw = reply.raw;
        raw.writeHead(200, {
          ...(reply.getHeaders() as OutgoingHttpHeaders),
          'content-type': 'text/event-stream',
          'cache-control': 'no-cache',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        const out = new SseWriter(raw);
        const heartbeat = setInterval(() => out.comment('keep-alive'), HEARTBEAT_MS);
        heartbeat.unref();
        const stop = () => out.end();
        ctx.closing.addEventListener('abort', stop, { once: true });
        // A record without `run-finished` is a run of another process going on: what there is so far.
        const streaming =
          found.kind === 'live'
            ? followLive(found.run, after, out)
            : replayRun(
                found.record,
                after,
                (seq, json) => out.send(seq, json),
                () => out.done,
              );
        await streaming.catch((error: unknown) =>
          ctx.log(`GET /runs/${runId}/events: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
        );
        clearInterval(heartbeat);
        ctx.closing.removeEventListener('abort', stop);
        out.end();
        return reply;
      },
    },
  ];
}
