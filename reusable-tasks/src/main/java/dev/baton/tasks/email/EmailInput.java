package dev.baton.tasks.email;

import java.util.List;
import java.util.Map;

/**
 * The EMAIL task's input: recipients, a subject and text and/or HTML bodies written as Mustache templates filled from
 * {@code variables}, attachments, sent through a tenant's SMTP connection. {@code to}, {@code cc} and {@code bcc}
 * take one address or a list.
 */
public record EmailInput(String connection, Object to, Object cc, Object bcc, String replyTo, String subject,
        String text, String html, Map<String, Object> variables, List<Attachment> attachments) {

    /** A file to attach: its name, type, and content as base64 ({@code content}) or as text ({@code text}). */
    public record Attachment(String filename, String contentType, String content, String text) {}
}
