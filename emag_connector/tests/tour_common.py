"""Browser tours whose clicks queue eMAG jobs, run afterwards as the job runner does."""

from contextlib import contextmanager

from odoo.addons.queue_job.job import Job


class JobRunnerTourMixin:
    """For an ``HttpCase`` (put first among the bases): a tour clicks in the
    browser; the jobs its click queued run after the click's commit, outside
    the browser's test mode, like the job runner."""

    def setUp(self):
        with self.like_a_job_runner():
            super().setUp()

    @contextmanager
    def like_a_job_runner(self):
        """Talk to eMAG outside the browser's test mode, as the job runner does:
        the shared rate limiter commits on cursors of its own, which test mode
        would fold into the test transaction."""
        if not hasattr(type(self), "registry_leave_test_mode"):  # 17.0/18.0: on the registry
            self.registry.leave_test_mode()
            try:
                yield
            finally:
                self.registry.enter_test_mode(self.cr)
            return
        type(self).registry_leave_test_mode()
        try:
            yield
        finally:
            self.registry_enter_test_mode(register_cleanup=False)

    def perform_queued_jobs(self):
        """What the job runner does after the click's commit."""
        Queue = self.env["queue.job"].sudo()
        for _round in range(20):
            pending = Queue.search([("state", "=", "pending")], order="id")
            if not pending:
                return
            for record in pending:
                job = Job.load(self.env, record.uuid)
                job.set_started()
                job.store()
                job.perform()
                job.set_done()
                job.store()
            self.env.invalidate_all()
        self.fail("jobs still pending")
