from abc import ABC
from dataclasses import dataclass


@dataclass
class AgentConfig:
    name: str


@dataclass(eq=False)
class BaseAgent(ABC):
    name: str = "agent"

    async def emit_thinking(self, thought, step_number=None, context=None):
        return None
