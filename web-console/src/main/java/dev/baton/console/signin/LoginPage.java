package dev.baton.console.signin;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import dev.baton.authz.identity.SignInUsers;
import org.springframework.security.web.WebAttributes;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The built-in authorization server's login page; the form posts to Spring Security's {@code POST /login}. */
@Controller
public class LoginPage {

    @GetMapping("/login")
    String login(HttpServletRequest request, Model model) {
        HttpSession session = request.getSession(false);
        if (request.getParameter("error") != null && session != null
                && session.getAttribute(WebAttributes.AUTHENTICATION_EXCEPTION) instanceof Exception e) {
            // a wrong login, a wrong password and a disabled account read the same, so logins cannot be probed;
            // only the throttle says when to try again
            model.addAttribute("failure", e instanceof SignInUsers.Throttled ? e.getMessage()
                    : "Wrong login or password.");
        }
        return "console/login";
    }
}
