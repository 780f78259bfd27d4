import logging

from fastasyncio import GenericJobHandler

logger = logging.getLogger(__name__)


class Job1Handler(GenericJobHandler):
    async def run(self, *args, **kwargs):
        logger.info(f"Running {self.__class__.__name__}")
        return await super().run(*args, **kwargs)

    async def aggregate(self, results, ctx=None):
        return {name: result["value"] for name, result in results.items()}
