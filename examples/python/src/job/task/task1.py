import asyncio
import logging

from src.job.task.base_task import BaseTask

logger = logging.getLogger(__name__)


class Task1(BaseTask):
    async def execute(self, input_data=None):
        logger.info("Task1 is running")
        await asyncio.sleep(1)
        return {"task": "Task1", "value": 1}
