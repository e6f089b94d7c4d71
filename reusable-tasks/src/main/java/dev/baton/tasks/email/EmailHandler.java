package dev.baton.tasks.email;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import dev.baton.connections.Connection;
import dev.baton.connections.ConnectionKind;
import dev.baton.connections.Vault;
import dev.baton.engine.api.definition.WorkflowTask;
import dev.baton.engine.spi.AsyncTaskHandler;
import dev.baton.engine.spi.DefinitionCheck;
import dev.baton.engine.spi.InputException;
import dev.baton.engine.spi.TaskCall;
import dev.baton.engine.spi.TaskOutcome;
import dev.baton.tasks.TaskInputs;
import dev.baton.tenancy.outbound.OutboundAddressPolicy;
import jakarta.activation.DataHandler;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * EMAIL: one message through a tenant's SMTP connection. Subject and bodies are Mustache templates (no code, no
 * partials; HTML is escaped); recipients, attachments and sizes are bounded, and the mail server's address goes
 * through the outbound-address policy.
 */
public final class EmailHandler implements AsyncTaskHandler<EmailInput> {

    private static final int MAX_RECIPIENTS = 50;
    private static final int MAX_ATTACHMENTS = 10;
    private static final int MAX_TEMPLATE = 100_000;
    private static final int MAX_BODY = 1024 * 1024;
    private static final int MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;

    private final Vault vault;
    private final OutboundAddressPolicy outbound;
    private final Duration timeout;
    private final Mustache.Compiler html = Mustache.compiler().defaultValue("").withLoader(name -> {
        throw new MustacheException("templates may not include others ('" + name + "')");
    });
    private final Mustache.Compiler plain = html.escapeHTML(false);

    /** {@code timeout} bounds connecting to the mail server, and each of its answers. */
    public EmailHandler(Vault vault, OutboundAddressPolicy outbound, Duration timeout) {
        this.vault = vault;
        this.outbound = outbound;
        this.timeout = timeout;
    }

    @Override
    public String type() {
        return "EMAIL";
    }

    @Override
    public Class<EmailInput> inputType() {
        return EmailInput.class;
    }

    @Override
    public Duration maxDuration() {
        // connecting, the greeting, authentication, the envelope and the data: a few answers, each bounded
        return timeout.multipliedBy(6).plusSeconds(10);
    }

    @Override
    public void check(WorkflowTask task, DefinitionCheck check) {
        String field = check.path() + ".inputParameters.";
        Map<String, Object> in = task.inputParameters();
        check.require(in.get("connection") instanceof String, field + "connection",
                "is required: the name of an SMTP connection");
        check.require(in.get("to") != null, field + "to", "is required");
        check.require(in.get("text") != null || in.get("html") != null, field + "text", "a text or html body is required");
        for (String key : List.of("subject", "text", "html")) {
            if (in.get(key) instanceof String template && check.isLiteral(template)) {
                try {
                    plain.compile(template);
                } catch (MustacheException e) {
                    check.require(false, field + key, "is not a valid template: " + e.getMessage());
                }
            }
        }
    }

    @Override
    public TaskOutcome execute(EmailInput input, TaskCall call) throws Exception {
        List<InternetAddress> to = addresses(input.to(), "to");
        List<InternetAddress> cc = addresses(input.cc(), "cc");
        List<InternetAddress> bcc = addresses(input.bcc(), "bcc");
        if (to.isEmpty()) {
            throw new InputException("to", "needs at least one address");
        }
        if (to.size() + cc.size() + bcc.size() > MAX_RECIPIENTS) {
            throw new InputException("to", "at most " + MAX_RECIPIENTS + " recipients in all are allowed");
        }
        if (input.text() == null && input.html() == null) {
            throw new InputException("text", "a text or html body is required");
        }
        Map<String, Object> variables = input.variables() == null ? Map.of() : input.variables();
        String subject = render(plain, input.subject() == null ? "" : input.subject(), variables, "subject");
        if (subject.contains("\r") || subject.contains("\n") || subject.length() > 998) {
            throw new InputException("subject", "must be one line of at most 998 characters");
        }
        String text = input.text() == null ? null : render(plain, input.text(), variables, "text");
        String htmlBody = input.html() == null ? null : render(html, input.html(), variables, "html");
        Connection smtp = TaskInputs.connection(vault, call, input.connection(), ConnectionKind.SMTP);
        try {
            outbound.check("https://" + smtp.text("host") + "/");
        } catch (OutboundAddressPolicy.RefusedAddressException e) {
            return TaskOutcome.failedForGood("connection '" + input.connection() + "' host " + e.getMessage(), null);
        }
        Session session = session(smtp, timeout);
        MimeMessage message = new MimeMessage(session);
        try {
            message.setFrom(new InternetAddress(smtp.text("from"), true));
        } catch (AddressException e) {
            return TaskOutcome.failedForGood("connection '" + input.connection() + "' has a bad from address", null);
        }
        message.setRecipients(Message.RecipientType.TO, to.toArray(InternetAddress[]::new));
        message.setRecipients(Message.RecipientType.CC, cc.toArray(InternetAddress[]::new));
        message.setRecipients(Message.RecipientType.BCC, bcc.toArray(InternetAddress[]::new));
        if (input.replyTo() != null) {
            message.setReplyTo(addresses(input.replyTo(), "replyTo").toArray(InternetAddress[]::new));
        }
        message.setSubject(subject, "UTF-8");
        message.setContent(content(text, htmlBody, input.attachments()));
        message.saveChanges();
        try {
            Transport.send(message, smtp.text("username"), smtp.text("password"));
        } catch (AuthenticationFailedException e) {
            return TaskOutcome.failedForGood("the mail server refused the connection's credentials", null);
        } catch (SendFailedException e) {
            return TaskOutcome.failedForGood("the mail server refused the message: " + e.getMessage(), null);
        } catch (MessagingException e) {
            return TaskOutcome.failed("cannot send through " + smtp.text("host") + ": " + why(e), null);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("messageId", message.getMessageID());
        List<String> accepted = new ArrayList<>();
        for (List<InternetAddress> list : List.of(to, cc, bcc)) {
            list.forEach(a -> accepted.add(a.getAddress()));
        }
        out.put("recipients", accepted);
        return TaskOutcome.completed(out);
    }

    /** What went wrong, in the words of the innermost cause that says it best. */
    private String why(MessagingException e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof java.net.SocketTimeoutException) {
                return "no answer within " + timeout.toMillis() + " ms";
            }
            if (c instanceof java.net.ConnectException) {
                return "connection refused";
            }
        }
        return e.getMessage();
    }

    private static Session session(Connection smtp, Duration timeout) {
        Properties p = new Properties();
        String security = smtp.text("security") == null ? "STARTTLS" : smtp.text("security");
        int port = smtp.settings().get("port") instanceof Number n ? n.intValue()
                : security.equals("SSL") ? 465 : 587;
        p.put("mail.smtp.host", smtp.text("host"));
        p.put("mail.smtp.port", String.valueOf(port));
        p.put("mail.smtp.auth", String.valueOf(smtp.text("username") != null));
        String millis = String.valueOf(timeout.toMillis());
        p.put("mail.smtp.connectiontimeout", millis);
        p.put("mail.smtp.timeout", millis);
        p.put("mail.smtp.writetimeout", millis);
        switch (security) {
            case "SSL" -> {
                p.put("mail.smtp.ssl.enable", "true");
                p.put("mail.smtp.ssl.checkserveridentity", "true");
            }
            case "NONE" -> { }
            default -> {
                p.put("mail.smtp.starttls.enable", "true");
                p.put("mail.smtp.starttls.required", "true");
                p.put("mail.smtp.ssl.checkserveridentity", "true");
            }
        }
        return Session.getInstance(p);
    }

    private static String render(Mustache.Compiler compiler, String template, Map<String, Object> variables,
            String field) {
        if (template.length() > MAX_TEMPLATE) {
            throw new InputException(field, "must be at most " + MAX_TEMPLATE + " characters");
        }
        String out;
        try {
            out = compiler.compile(template).execute(variables);
        } catch (MustacheException e) {
            throw new InputException(field, "is not a valid template: " + e.getMessage());
        }
        if (out.length() > MAX_BODY) {
            throw new InputException(field, "renders to more than " + MAX_BODY + " characters");
        }
        return out;
    }

    private static MimeMultipart content(String text, String htmlBody, List<EmailInput.Attachment> attachments)
            throws MessagingException {
        MimeMultipart body = new MimeMultipart("alternative");
        if (text != null) {
            MimeBodyPart part = new MimeBodyPart();
            part.setText(text, "UTF-8");
            body.addBodyPart(part);
        }
        if (htmlBody != null) {
            MimeBodyPart part = new MimeBodyPart();
            part.setText(htmlBody, "UTF-8", "html");
            body.addBodyPart(part);
        }
        List<EmailInput.Attachment> files = attachments == null ? List.of() : attachments;
        if (files.isEmpty()) {
            return body;
        }
        if (files.size() > MAX_ATTACHMENTS) {
            throw new InputException("attachments", "at most " + MAX_ATTACHMENTS + " are allowed");
        }
        MimeMultipart mixed = new MimeMultipart("mixed");
        MimeBodyPart bodies = new MimeBodyPart();
        bodies.setContent(body);
        mixed.addBodyPart(bodies);
        long total = 0;
        for (int i = 0; i < files.size(); i++) {
            EmailInput.Attachment a = files.get(i);
            String field = "attachments[" + i + "]";
            if (a == null || a.filename() == null || a.filename().isBlank() || a.filename().length() > 200
                    || a.filename().matches(".*[\\r\\n\"/\\\\].*")) {
                throw new InputException(field + ".filename", "is required: a plain file name");
            }
            byte[] bytes;
            try {
                bytes = a.content() != null ? Base64.getDecoder().decode(a.content())
                        : a.text() != null ? a.text().getBytes(StandardCharsets.UTF_8) : null;
            } catch (IllegalArgumentException e) {
                throw new InputException(field + ".content", "must be base64");
            }
            if (bytes == null) {
                throw new InputException(field + ".content", "is required (base64), or give text");
            }
            total += bytes.length;
            if (total > MAX_ATTACHMENT_BYTES) {
                throw new InputException("attachments", "must be at most " + MAX_ATTACHMENT_BYTES + " bytes in all");
            }
            String type = a.contentType() == null ? "application/octet-stream" : a.contentType();
            if (!type.matches("[a-zA-Z0-9.+-]+/[a-zA-Z0-9.+-]+")) {
                throw new InputException(field + ".contentType", "must be a media type like text/csv");
            }
            MimeBodyPart file = new MimeBodyPart();
            file.setDataHandler(new DataHandler(new ByteArrayDataSource(bytes, type)));
            file.setFileName(a.filename());
            mixed.addBodyPart(file);
        }
        return mixed;
    }

    private static List<InternetAddress> addresses(Object value, String field) {
        List<InternetAddress> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        List<?> items = value instanceof List<?> l ? l : List.of(value);
        if (items.size() > MAX_RECIPIENTS) {
            throw new InputException(field, "at most " + MAX_RECIPIENTS + " addresses are allowed");
        }
        for (int i = 0; i < items.size(); i++) {
            String text = String.valueOf(items.get(i));
            try {
                InternetAddress address = new InternetAddress(text, true);
                if (text.contains("\r") || text.contains("\n")) {
                    throw new AddressException("line break");
                }
                out.add(address);
            } catch (AddressException e) {
                throw new InputException(items.size() == 1 && !(value instanceof List<?>) ? field
                        : field + "[" + i + "]", "is not an email address: '" + text + "'");
            }
        }
        return out;
    }
}
