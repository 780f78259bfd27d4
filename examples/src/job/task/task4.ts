import { BaseTask, sleep, type TaskContext } from 'fastasyncio';

/** A sample task in the seed's spirit: it waits `params.seconds` (default 1) and reports what it received. */
export class Task4 extends BaseTask {
  async execute(input: Record<string, unknown>, ctx: TaskContext): Promise<unknown> {
    const seconds = typeof ctx.params.seconds === 'number' ? ctx.params.seconds : 1;
    ctx.log(`Task4 started with inputs from [${Object.keys(input).join(', ')}]`);
    await sleep(seconds * 1000, ctx.signal);
    return { task: ctx.task, receivedFrom: Object.keys(input), value: 4 };
  }
}
