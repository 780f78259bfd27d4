import time

from .base_task import BaseTask


class Task3(BaseTask):
    # A synchronous execute() runs in a thread: it does not hold up Task1 and Task2.
    def execute(self, input_data=None):
        print("Task3 is running")
        time.sleep(1)
        return {"task": "Task3", "value": 3}
