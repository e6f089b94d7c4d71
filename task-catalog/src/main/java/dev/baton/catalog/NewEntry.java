package dev.baton.catalog;

import java.util.List;

/** What a team gives to create a catalog entry; its versions are added after. */
public record NewEntry(String name, String title, String description, String category, List<String> tags,
        Visibility visibility) {}
