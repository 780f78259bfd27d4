import asyncio

from .base_task import BaseTask


class Task4(BaseTask):
    async def execute(self, input_data=None):
        print(f"Task4 combines {', '.join(sorted(input_data))}")
        await asyncio.sleep(1)
        return {"task": "Task4", "value": sum(result["value"] for result in input_data.values())}
