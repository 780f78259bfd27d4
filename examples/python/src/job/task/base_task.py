from abc import ABC, abstractmethod


class BaseTask(ABC):
    """The seed's base class for tasks: a task's execute() receives its dependencies' results by task name."""

    @abstractmethod
    async def execute(self, input_data=None):
        pass
