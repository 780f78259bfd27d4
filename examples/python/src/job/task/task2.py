import asyncio
import logging

from job.task.base_task import BaseTask


class Task2(BaseTask):
    async def execute(self, input_data=None):
        logging.info("Task2 received %s", sorted(input_data))
        await asyncio.sleep(1)
        return {"task": "Task2", "value": input_data["Task1"]["value"] + 1}
