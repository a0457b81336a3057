"""The skill pack: load it, validate it, install it into a `.claude/` folder."""

from mlskills.pack.load import AgentDef, Pack, SkillDef, load_pack, parse_frontmatter

__all__ = ["AgentDef", "Pack", "SkillDef", "load_pack", "parse_frontmatter"]
