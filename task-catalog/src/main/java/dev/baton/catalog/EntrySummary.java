package dev.baton.catalog;

import java.util.List;

/** One entry in a list of search results: what it is, its newest usable version, and its runs over seven days. */
public record EntrySummary(String name, String title, String category, List<String> tags, String ownerTeam,
        Visibility visibility, String latestVersion, VersionStatus latestStatus, long runsLast7Days) {}
