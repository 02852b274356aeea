# The seed law of the lr_bsz task: the program of the best run of the SLDBench leaderboard entry
# "LR & Batch Size Scaling Law" (agent gemini-cli, model Gemini 3 Pro Preview, best R2 0.763137),
# copied verbatim from ../shared/seeds/001_3169a97db2d76900.txt (only the code of its best run).
# tests/test_lr_bsz.py executes it and compares its predictions with
# lr_bsz.predict(X, form="seed", published=True).
import math

def law(input_data: list[dict[str, float]], group: str) -> list[dict[str, float]]:
    """
    Predicts output variables based on input variables according to a discovered scaling law.

    Args:
        input_data: A list of dictionaries, where each dictionary is a single data
                    point containing input variable names as keys and their
                    corresponding values.
        group: The name of the experimental group for which to make predictions.
                The functional form of the law must be the same for all groups,
                but the constant parameters/coefficients can differ per group.

    Returns:
        A list of dictionaries, corresponding to the input_data list, with each
        dictionary containing the predicted output variable(s).
    """
    
    # Coefficients for the 'all_data' group
    # Model: log(L) = Poly2(log(lr), log(bsz), log(D), log(N))
    # Order of features: lr, bsz, D, N (log transformed)
    
    coeffs_map = {
        'all_data': {
            'intercept': 4.074148228884797,
            'log_lr': 0.013795306610030877,
            'log_bsz': 0.13922429988111493,
            'log_D': -0.24335671551555013,
            'log_N': 0.04357333285138961,
            'log_lr_sq': 0.011119851824430099,
            'log_lr_x_log_bsz': -0.006260814764151681,
            'log_lr_x_log_D': -0.0013952921503366438,
            'log_lr_x_log_N': 0.010231103653945809,
            'log_bsz_sq': 0.009278590376023209,
            'log_bsz_x_log_D': -0.008906902516424684,
            'log_bsz_x_log_N': -0.0034179980070617078,
            'log_D_sq': 0.008885626075669376,
            'log_D_x_log_N': -0.00936021606838656,
            'log_N_sq': 0.005268771454322093
        }
    }

    if group not in coeffs_map:
        # Fallback or error. Given the instructions, we can only predict for known groups
        # or maybe the hidden dataset uses 'all_data'. 
        # Ideally we should raise an error, but to be robust for the hidden test
        # if it provides a new group name but expects us to use the general law...
        # But coefficients "can differ per group". This implies we need the specific coefficients.
        # So I will assume the group is 'all_data'.
        if len(coeffs_map) == 1:
             coeffs = coeffs_map['all_data']
        else:
             raise ValueError(f"Unknown group: {group}")
    else:
        coeffs = coeffs_map[group]

    predictions = []
    
    for point in input_data:
        lr = point['lr']
        bsz = point['bsz']
        D = point['data_size']
        N = point['non_embedding_param_size']
        
        # Log transform
        l_lr = math.log(lr)
        l_bsz = math.log(bsz)
        l_D = math.log(D)
        l_N = math.log(N)
        
        # Calculate log(Loss)
        log_L = coeffs['intercept']
        
        # Linear terms
        log_L += coeffs['log_lr'] * l_lr
        log_L += coeffs['log_bsz'] * l_bsz
        log_L += coeffs['log_D'] * l_D
        log_L += coeffs['log_N'] * l_N
        
        # Quadratic terms
        log_L += coeffs['log_lr_sq'] * (l_lr**2)
        log_L += coeffs['log_lr_x_log_bsz'] * (l_lr * l_bsz)
        log_L += coeffs['log_lr_x_log_D'] * (l_lr * l_D)
        log_L += coeffs['log_lr_x_log_N'] * (l_lr * l_N)
        
        log_L += coeffs['log_bsz_sq'] * (l_bsz**2)
        log_L += coeffs['log_bsz_x_log_D'] * (l_bsz * l_D)
        log_L += coeffs['log_bsz_x_log_N'] * (l_bsz * l_N)
        
        log_L += coeffs['log_D_sq'] * (l_D**2)
        log_L += coeffs['log_D_x_log_N'] * (l_D * l_N)
        
        log_L += coeffs['log_N_sq'] * (l_N**2)
        
        # Final Loss
        lm_loss = math.exp(log_L)
        
        predictions.append({'lm_loss': lm_loss})
        
    return predictions
