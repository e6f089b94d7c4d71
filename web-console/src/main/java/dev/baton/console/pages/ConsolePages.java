package dev.baton.console.pages;

import dev.baton.authz.access.AccessPolicy;
import dev.baton.authz.token.CallerAuthentication;
import dev.baton.console.api.ApiProblem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;

/** What every console page has: the signed-in person, the current path, and one way of showing a refusal. */
@ControllerAdvice(basePackages = "dev.baton.console")
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ConsolePages {

    private static final Logger log = LoggerFactory.getLogger(ConsolePages.class);

    private final AccessPolicy policy;

    public ConsolePages(AccessPolicy policy) {
        this.policy = policy;
    }

    @ModelAttribute("me")
    Me me() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth instanceof CallerAuthentication signedIn ? new Me(signedIn.caller(), policy) : null;
    }

    @ModelAttribute("fmt")
    Formats formats() {
        return Formats.UTC;
    }

    @ModelAttribute("path")
    String path(HttpServletRequest request) {
        return request.getRequestURI();
    }

    /** A call the API refused, on a page of its own with the API's own words and status. */
    @ExceptionHandler(ApiProblem.class)
    String refused(ApiProblem problem, HttpServletRequest request, HttpServletResponse response, Model model) {
        if (problem.status() == 401) {
            return "redirect:/console/sign-in";
        }
        response.setStatus(problem.status());
        // model attributes of this advice are not made for exception handlers
        model.addAttribute("me", me());
        model.addAttribute("path", path(request));
        model.addAttribute("fmt", Formats.UTC);
        model.addAttribute("problem", problem);
        return "console/problem";
    }

    /** Anything else is the console's own fault: logged, and a page saying so (never a stack trace). */
    @ExceptionHandler(Exception.class)
    String failed(Exception e, HttpServletRequest request, HttpServletResponse response, Model model) {
        log.error("console page {} failed", request.getRequestURI(), e);
        return refused(new ApiProblem(500, "Internal Server Error", "Something went wrong on our side; it has been "
                + "logged.", null), request, response, model);
    }
}
