import type { OutgoingHttpHeaders } from 'node:http';
import type { RunEvent } from '../run/events';
import { problem, sendProblem } from './problems';
import type { ApiContext, ApiRoute } from './route';
import { EventHeaders, RunParams } from './schemas';

const HEARTBEAT_MS = 15_000;

/** One server-sent event: the event's `seq` as its id, the event as JSON (one line) as its data. */
function sse(events: readonly RunEvent[]): string {
  let text = '';
  for (const e of events) text += `id: ${e.seq}\ndata: ${JSON.stringify(e)}\n\n`;
  return text;
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
        'Each event is `id: <seq>` and `data: <RunEvent JSON>`; the stream starts at the run\'s first event (or after `Last-Event-ID`) and ends after `run-finished`. A comment line is sent every 15 s while nothing happens.',
      params: RunParams,
      headers: EventHeaders,
      responses: {
        200: { description: 'The event stream.', mediaType: 'text/event-stream', schema: { type: 'string', description: 'Server-sent events; each data line is a RunEvent.' } },
        204: { description: '`Last-Event-ID` is the run\'s last event: nothing more will come.' },
      },
      problems: [400, 404],
      handler: (request, reply) => {
        const { runId } = request.params as { runId: string };
        const found = ctx.runs.find(runId);
        if (!found) {
          sendProblem(request, reply, problem('run-not-found', `no run ${JSON.stringify(runId)}`));
          return;
        }
        const after = Number(request.headers['last-event-id'] ?? 0);
        const events = found.kind === 'live' ? found.run.events : found.events;
        const last = events[events.length - 1];
        if (last?.type === 'run-finished' && after >= last.seq) {
          reply.code(204).send();
          return;
        }
        reply.hijack();
        const raw = reply.raw;
        raw.writeHead(200, {
          ...(reply.getHeaders() as OutgoingHttpHeaders),
          'content-type': 'text/event-stream',
          'cache-control': 'no-cache',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        if (found.kind === 'recorded') {
          // A record without `run-finished` is a run of another process (or one that crashed): what there is.
          raw.end(sse(events.filter((e) => e.seq > after)));
          return;
        }
        let stop: () => void = () => {};
        let ended = false;
        const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
        heartbeat.unref();
        const end = () => {
          if (ended) return;
          ended = true;
          stop();
          clearInterval(heartbeat);
          ctx.closing.removeEventListener('abort', end);
          raw.end();
        };
        raw.on('close', end);
        ctx.closing.addEventListener('abort', end, { once: true });
        stop = found.run.follow(after, (batch) => {
          raw.write(sse(batch));
          if (batch[batch.length - 1].type === 'run-finished') end();
        });
        if (ended) stop();
      },
    },
  ];
}
