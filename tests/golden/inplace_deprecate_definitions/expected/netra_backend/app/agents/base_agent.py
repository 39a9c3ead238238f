from abc import ABC
from dataclasses import dataclass

from compat.deprecation import legacy_api


@dataclass
class AgentConfig:
    name: str


@legacy_api("base_agent")
@dataclass(eq=False)
class BaseAgent(ABC):
    name: str = "agent"

    async def emit_thinking(self, thought, step_number=None, context=None):
        return None
