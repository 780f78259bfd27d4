import { GenericJobHandler, type JobContext } from 'fastasyncio';

/** The seed's Job1Handler: it logs its own name, then runs the job as the generic handler does. */
export class Job1Handler extends GenericJobHandler {
  override async beforeJob(ctx: JobContext): Promise<void> {
    ctx.log(`${Job1Handler.name} starting job ${ctx.job}`);
  }
}
