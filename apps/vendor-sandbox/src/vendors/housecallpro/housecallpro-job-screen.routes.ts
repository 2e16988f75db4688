import { WorldRuleError, type StoredRecord } from '@fieldsync/sandbox-world';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formField } from '../../portal/form-field.util';
import { alertHtml, escapeHtml, renderPage } from '../../portal/html.util';
import type { PortalKit } from '../../portal/portal.types';
import { hcpId, worldIdOf } from './housecallpro-ids.util';
import { HOUSECALLPRO_NOTE_KEY } from './housecallpro-job-notes.util';
import { HousecallProRenderer } from './housecallpro.renderer';

/** The job screen's actions, as the pro app's buttons name them. */
const ACTIONS = {
  on_my_way: 'On my way',
  start: 'Start',
  finish: 'Finish',
  cancel: 'Cancel job',
} as const;
type Action = keyof typeof ACTIONS;

/**
 * The pro web app's job screen (`/app/jobs/{id}`), where a job's work status moves: Housecall Pro's v1
 * API has no endpoint for it (its webhooks report `job.on_my_way|started|completed|canceled`, which the
 * office and the field app cause). Each button is a form (session CSRF token in `_csrf`) posting to
 * `/app/jobs/{id}/<action>`:
 *  - `on_my_way`: the job's first open appointment is dispatched (the job's `work_timestamps.on_my_way_at`);
 *  - `start`: the appointment is worked (the job `in progress`; from scheduled it passes on my way);
 *  - `finish`: the job is completed (its open appointments done);
 *  - `cancel`: the job is canceled (`pro canceled`), the reason (`reason`, required) kept as a job note.
 * A move the job's status does not allow (finish a canceled job) re-renders the screen with a 422 and
 * the reason; done, it redirects back to the screen (303, `?done=<action>`).
 */
export function registerJobScreen(scope: FastifyInstance, kit: PortalKit): void {
  const jobOf = (id: string): StoredRecord<'job'> | undefined => {
    const worldId = worldIdOf('job', id);
    const found = worldId === undefined ? undefined : kit.world.world.store.get('job', worldId);
    return found && found.deletedOn === null ? found : undefined;
  };
  const notFound = (reply: FastifyReply) =>
    reply
      .code(404)
      .type('text/html; charset=utf-8')
      .send(renderPage({ title: 'Not found', heading: 'Job not found', body: '' }));

  const screen = (
    request: FastifyRequest,
    reply: FastifyReply,
    job: StoredRecord<'job'>,
    status: number,
    notice: { error?: string; done?: string } = {},
  ) => {
    const id = hcpId('job', job.id);
    const csrf = request.portalSession?.csrfToken ?? '';
    const workStatus = new HousecallProRenderer(kit.world.world.store).workStatus(job);
    const done = notice.done
      ? `<p id="status-updated" role="status">${escapeHtml(ACTIONS[notice.done as Action] ?? notice.done)} saved.</p>`
      : '';
    const button = (action: Action, extra = '') =>
      `<form method="post" action="/app/jobs/${escapeHtml(id)}/${action}" id="${action}-form">
<input type="hidden" name="_csrf" value="${escapeHtml(csrf)}">${extra}
<button type="submit" id="${action}">${ACTIONS[action]}</button>
</form>`;
    return reply
      .code(status)
      .type('text/html; charset=utf-8')
      .send(
        renderPage({
          title: `Job #${job.jobNumber} | Housecall Pro`,
          heading: `Job #${escapeHtml(job.jobNumber)}`,
          head: `<meta name="csrf-token" content="${escapeHtml(csrf)}">`,
          body: `${alertHtml(notice.error)}${done}
<p>Status: <span id="work-status" data-job-id="${escapeHtml(id)}">${escapeHtml(workStatus)}</span></p>
${button('on_my_way')}
${button('start')}
${button('finish')}
${button('cancel', '\n<label for="reason">Reason</label>\n<input id="reason" name="reason" maxlength="500">')}`,
        }),
      );
  };

  scope.get<{ Params: { id: string }; Querystring: { done?: string } }>(
    '/app/jobs/:id',
    async (request, reply) => {
      const job = jobOf(request.params.id);
      return job ? screen(request, reply, job, 200, { done: request.query.done }) : notFound(reply);
    },
  );

  scope.post<{ Params: { id: string; action: string } }>('/app/jobs/:id/:action', async (request, reply) => {
    const job = jobOf(request.params.id);
    if (!job) return notFound(reply);
    const action = request.params.action as Action;
    if (!(action in ACTIONS)) return notFound(reply);
    const refuse = (message: string) => screen(request, reply, job, 422, { error: message });
    const writer = kit.world.world.writer;
    const open = () => writer.openAppointments(job.id).sort((a, b) => a.start - b.start || a.id - b.id)[0];
    try {
      if (job.status === 'Completed' || job.status === 'Canceled') {
        return refuse(`This job is ${job.status === 'Completed' ? 'finished' : 'canceled'}.`);
      }
      switch (action) {
        case 'on_my_way': {
          const appointment = open();
          if (!appointment) return refuse('Schedule the job before heading out.');
          if (appointment.status !== 'Scheduled' && appointment.status !== 'Hold')
            return refuse('You are already on your way.');
          writer.setAppointmentStatus(appointment.id, 'Dispatched');
          break;
        }
        case 'start': {
          const appointment = open();
          if (!appointment) return refuse('Schedule the job before starting it.');
          if (appointment.status === 'Working') return refuse('The job is already started.');
          if (appointment.status !== 'Dispatched') writer.setAppointmentStatus(appointment.id, 'Dispatched');
          writer.setAppointmentStatus(appointment.id, 'Working');
          break;
        }
        case 'finish':
          writer.setJobStatus(job.id, 'Completed');
          break;
        case 'cancel': {
          const reason = (formField(request, 'reason') ?? '').trim();
          if (reason === '') return refuse('Give a reason for canceling the job.');
          const current = kit.world.world.store.require('job', job.id);
          kit.world.world.store.update('job', job.id, {
            externalData: [
              ...current.externalData,
              { key: HOUSECALLPRO_NOTE_KEY, value: `Canceled: ${reason}` },
            ],
          });
          writer.setJobStatus(job.id, 'Canceled');
          break;
        }
      }
    } catch (error) {
      if (error instanceof WorldRuleError) return refuse(error.message);
      throw error;
    }
    kit.logger.info({ job: job.id, action }, 'job status changed on the job screen');
    return reply.redirect(`/app/jobs/${hcpId('job', job.id)}?done=${action}`, 303);
  });
}
