// The OWL 2 DL profile check of `thaiplan ontology check --profile` (issue 15), run by ontology/profile.py
// in Java's source-file mode against the OWL API that ships inside owlready2's HermiT.jar: no download, no
// build step. Hand-written because no Python library checks OWL 2 profiles; it only calls the OWL API.
// Prints one line per violation (its kind, a tab, the OWL API's message) and a last line with the count.
import java.io.File;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public class ProfileCheck {
    public static void main(String[] args) throws Exception {
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        OWLOntology ontology = manager.loadOntologyFromOntologyDocument(new File(args[0]));
        OWLProfileReport report = new OWL2DLProfile().checkOntology(ontology);
        for (OWLProfileViolation violation : report.getViolations()) {
            String text = violation.toString().replace('\n', ' ').replace('\t', ' ');
            System.out.println(violation.getClass().getSimpleName() + "\t" + text);
        }
        System.out.println("violations: " + report.getViolations().size());
    }
}
