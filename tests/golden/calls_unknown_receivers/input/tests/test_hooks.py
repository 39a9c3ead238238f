import asyncio


def test_fixture_bridge(bridge):
    asyncio.run(
        bridge.notify_tool_executing("run-1", "agent", "search")
    )
